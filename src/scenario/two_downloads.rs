//! `two-downloads`: two threads download two files at once over a simulated network.

use super::code::{py, rs};
use super::{
    download, fetch, Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step,
};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "two-downloads",
    title: "Two downloads in two threads",
    group: "downloads",
    lesson: "Downloading is mostly waiting for bytes to arrive, and a waiting thread needs no processor. \
             Two threads each download a file, pictures.zip (5 MB) and music.zip (10 MB), each over its own \
             1 MB/s connection, printing every megabyte received: both progress bars grow together and the \
             two are done when the bigger one is, after 10 seconds. One after the other they take 5 + 10 = \
             15 seconds. If the two connections share a link slower than their sum, each gets half of it \
             while both are running, and threads help less.",
    modes: &[
        ModeSpec {
            id: "threads",
            title: "threading.Thread: both files at once",
            pattern: Pattern::Threads,
        },
        ModeSpec {
            id: "sequential",
            title: "sequential: one file, then the other",
            pattern: Pattern::Sequential,
        },
    ],
    params: &PARAMS,
    program,
    code,
};

/// The network parameters the download examples share.
pub const PARAMS: [ParamSpec; 8] = [
    ParamSpec::number("pictures_mb", "pictures.zip", 5.0, 0.0, 100.0)
        .unit("MB")
        .help("The first file's size."),
    ParamSpec::number("music_mb", "music.zip", 10.0, 0.0, 100.0)
        .unit("MB")
        .help("The second file's size."),
    ParamSpec::number(
        "bandwidth_mb_s",
        "Bandwidth per connection",
        1.0,
        0.01,
        1000.0,
    )
    .unit("MB/s")
    .help("How fast one connection receives."),
    ParamSpec::number("latency_s", "Latency", 0.0, 0.0, 10.0)
        .unit("s")
        .help("The wait before a file's first byte."),
    ParamSpec::number("link_mb_s", "Shared link", 0.0, 0.0, 1000.0)
        .unit("MB/s")
        .help("What all connections share; 0 is unlimited."),
    super::NETWORK,
    ParamSpec::url("pictures_url", "pictures.zip address (real network)", 500)
        .help("Empty downloads the playground's own file; another server must allow it (CORS) and byte ranges."),
    ParamSpec::url("music_url", "music.zip address (real network)", 500)
        .help("Empty downloads the playground's own file; another server must allow it (CORS) and byte ranges."),
];

/// The two files' download functions, for this example and `pool-downloads`.
pub fn files(params: &Params, named: impl Fn(usize, &str) -> String) -> Vec<Func> {
    let (bw, latency) = (params.num("bandwidth_mb_s"), params.num("latency_s"));
    let real = params.choice("network") == "real";
    [
        ("pictures.zip", "pictures_mb", "pictures_url"),
        ("music.zip", "music_mb", "music_url"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (file, size, url))| {
        let id = file.trim_end_matches(".zip");
        let (mb, url) = (params.num(size), params.text(url));
        let steps = if real {
            fetch(file, &url, mb, bw, latency)
        } else {
            download(file, mb, bw, latency)
        };
        Func::new(id, named(i, id), steps)
    })
    .collect()
}

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let threaded = mode.pattern != Pattern::Sequential;
    let funcs = files(params, |i, id| {
        if threaded {
            format!("Thread-{} (download {id})", i + 1)
        } else {
            format!("download({id})")
        }
    });
    let main = if threaded {
        vec![Step::Start(0), Step::Start(1), Step::Join(0), Step::Join(1)]
    } else {
        vec![Step::Call(0), Step::Call(1)]
    };
    Program {
        main,
        funcs,
        link_mb_s: params.num("link_mb_s"),
        ..Program::default()
    }
}

/// The download function in Python and in Rust, shared by the download examples.
pub fn download_code(params: &Params) -> (String, String) {
    let (bw, latency) = (params.num("bandwidth_mb_s"), params.num("latency_s"));
    (
        format!(
            "import threading\nimport time\n\nBANDWIDTH = {}  # MB/s per connection (simulated)\n\n\
             def download(name, size_mb):\n    time.sleep({})  # latency\n    for mb in range(1, int(size_mb) + 1):\n        \
             time.sleep(1 / BANDWIDTH)  # waiting for the next MB\n        print(f\"{{name}}: {{mb}} MB received\")\n\n",
            py(bw),
            py(latency)
        ),
        format!(
            "use std::{{thread, time::Duration}};\n\nconst BANDWIDTH: f64 = {}; // MB/s per connection (simulated)\n\n\
             fn download(name: &str, size_mb: u32) {{\n    thread::sleep(Duration::from_secs_f64({})); // latency\n    \
             for mb in 1..=size_mb {{\n        thread::sleep(Duration::from_secs_f64(1.0 / BANDWIDTH));\n        \
             println!(\"{{name}}: {{mb}} MB received\");\n    }}\n}}\n\n",
            rs(bw),
            rs(latency)
        ),
    )
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let (p, m) = (params.num("pictures_mb"), params.num("music_mb"));
    let (py_head, rs_head) = download_code(params);
    let (python, rust) = if mode.pattern == Pattern::Sequential {
        (
            format!("{py_head}download(\"pictures.zip\", {})\ndownload(\"music.zip\", {})\n", py(p), py(m)),
            format!(
                "{rs_head}fn main() {{\n    download(\"pictures.zip\", {});\n    download(\"music.zip\", {});\n}}\n",
                p.ceil(),
                m.ceil()
            ),
        )
    } else {
        (
            format!(
                "{py_head}t1 = threading.Thread(target=download, args=(\"pictures.zip\", {}))\n\
                 t2 = threading.Thread(target=download, args=(\"music.zip\", {}))\nt1.start()\nt2.start()\nt1.join()\nt2.join()\n",
                py(p),
                py(m)
            ),
            format!(
                "{rs_head}fn main() {{\n    let t1 = thread::spawn(|| download(\"pictures.zip\", {}));\n    \
                 let t2 = thread::spawn(|| download(\"music.zip\", {}));\n    t1.join().unwrap();\n    t2.join().unwrap();\n}}\n",
                p.ceil(),
                m.ceil()
            ),
        )
    };
    Code { python, rust }
}
