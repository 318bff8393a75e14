//! `image-downloader`: a queue of links and N worker threads, against one download after another.

use super::code::{py, rs};
use super::{
    download_by, Code, Example, Func, Handler, ModeSpec, ParamSpec, Params, Pattern, Program,
    Seeded, Step,
};
use std::sync::Arc;

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "image-downloader",
    title: "An image downloader: a queue and eight workers",
    group: "downloads",
    lesson: "The program has a list of image links and downloads each one. One after another, every \
             image's wait is paid in full. With a queue and 8 worker threads, the main thread puts every \
             link in the queue and calls q.join(); each worker takes a link, downloads it, and calls \
             task_done(). The waits overlap, and the whole list is done several times faster; how many \
             times depends on how much the workers must share: the tutorial measured 4.7 times. The \
             workers are daemons: once q.join() returns, the program ends without waiting for them. \
             Forget task_done() and q.join() never returns.",
    modes: &[
        ModeSpec {
            id: "sequential",
            title: "sequential: one image after another",
            pattern: Pattern::Sequential,
        },
        ModeSpec {
            id: "queue",
            title: "queue.Queue + worker threads",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        ParamSpec::integer("images", "Images", 30.0, 1.0, 200.0).help("How many links the list has."),
        ParamSpec::integer("workers", "Worker threads", 8.0, 1.0, 32.0).help("How many threads take links."),
        ParamSpec::number("min_mb", "Smallest image", 0.05, 0.0, 10.0)
            .unit("MB")
            .help("Image sizes are drawn between these two, from the seed."),
        ParamSpec::number("max_mb", "Largest image", 0.5, 0.0, 10.0).unit("MB"),
        ParamSpec::integer("seed", "Seed", 7.0, 0.0, 1_000_000.0).help("The same seed gives the same sizes."),
        ParamSpec::number("bandwidth_mb_s", "Bandwidth per connection", 0.5, 0.01, 1000.0)
            .unit("MB/s")
            .help("How fast one connection receives."),
        ParamSpec::number("latency_s", "Latency", 0.3, 0.0, 10.0)
            .unit("s")
            .help("The wait before each image's first byte."),
        ParamSpec::number("link_mb_s", "Shared link", 2.0, 0.0, 1000.0)
            .unit("MB/s")
            .help("What all connections share; 0 is unlimited."),
        ParamSpec::toggle("task_done", "Workers call task_done()", true).help("Without it, q.join() never returns."),
        super::NETWORK,
        super::URL,
    ],
    program,
    code,
};

/// The images' sizes, drawn from the seed.
fn sizes(params: &Params) -> Vec<f64> {
    let (lo, hi) = (params.num("min_mb"), params.num("max_mb"));
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let mut rng = Seeded::new(params.num("seed") as u64);
    (0..params.count("images"))
        .map(|_| (rng.range(lo, hi) * 100.0).round() / 100.0)
        .collect()
}

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let sizes = sizes(params);
    let (bw, latency) = (params.num("bandwidth_mb_s"), params.num("latency_s"));
    let image = |i: usize| format!("img-{:02}.jpg", i + 1);
    let program = Program {
        link_mb_s: params.num("link_mb_s"),
        ..Program::default()
    };
    if mode.pattern == Pattern::Sequential {
        let steps = sizes
            .iter()
            .enumerate()
            .flat_map(|(i, mb)| download_by(params, &image(i), *mb, bw, latency))
            .collect();
        return Program {
            main: vec![Step::Call(0)],
            funcs: vec![Func::new("download", "download_all()", steps)],
            ..program
        };
    }
    let each = {
        let sizes = sizes.clone();
        let params = params.clone();
        Handler(Arc::new(move |i: i64| {
            let i = i as usize;
            download_by(
                &params,
                &format!("img-{:02}.jpg", i + 1),
                sizes[i],
                bw,
                latency,
            )
        }))
    };
    let workers = params.count("workers");
    let funcs = (1..=workers)
        .map(|w| Func {
            daemon: true,
            ..Func::new(
                format!("w{w}"),
                format!("DownloadWorker-{w}"),
                vec![Step::Consume {
                    queue: 0,
                    stop: None,
                    task_done: params.flag("task_done"),
                    each: each.clone(),
                }],
            )
        })
        .collect();
    let mut main: Vec<Step> = (0..workers).map(Step::Start).collect();
    main.extend((0..sizes.len()).map(|i| Step::Put {
        queue: 0,
        item: i as i64,
    }));
    main.push(Step::JoinQueue(0));
    main.push(Step::Print(format!("{} images downloaded", sizes.len())));
    Program {
        main,
        funcs,
        queues: vec![0],
        ..program
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let n = params.count("images");
    let workers = params.count("workers");
    let (bw, latency) = (params.num("bandwidth_mb_s"), params.num("latency_s"));
    let head = format!(
        "import queue\nimport threading\nimport time\n\n\
         def download(link, size_mb):\n    time.sleep({} + size_mb / {})  # latency, then the bytes (simulated)\n    \
         print(f\"{{link}}: done ({{size_mb}} MB)\")\n\nlinks = get_links()  # {n} (link, size) pairs\n\n",
        py(latency),
        py(bw)
    );
    let (python, rust) = if mode.pattern == Pattern::Sequential {
        (
            format!("{head}for link, size in links:\n    download(link, size)\n"),
            format!(
                "use std::{{thread, time::Duration}};\n\nfn download(link: &str, size_mb: f64) {{\n    \
                 thread::sleep(Duration::from_secs_f64({} + size_mb / {}));\n    \
                 println!(\"{{link}}: done ({{size_mb}} MB)\");\n}}\n\nfn main() {{\n    \
                 for (link, size) in get_links() {{\n        download(&link, size);\n    }}\n}}\n",
                rs(latency),
                rs(bw)
            ),
        )
    } else {
        (
            format!(
                "{head}class DownloadWorker(threading.Thread):\n    def __init__(self, q):\n        super().__init__(daemon=True)\n        \
                 self.q = q\n\n    def run(self):\n        while True:\n            link, size = self.q.get()\n            \
                 download(link, size)\n            {}\n\nq = queue.Queue()\nfor _ in range({workers}):\n    \
                 DownloadWorker(q).start()\nfor item in links:\n    q.put(item)\nq.join()\nprint(f\"{{len(links)}} images downloaded\")\n",
                if params.flag("task_done") {
                    "self.q.task_done()"
                } else {
                    "# task_done() forgotten: q.join() never returns"
                }
            ),
            format!(
                "use std::sync::{{mpsc, Arc, Mutex}};\nuse std::{{thread, time::Duration}};\n\n\
                 fn main() {{\n    let (tx, rx) = mpsc::channel::<(String, f64)>();\n    \
                 let rx = Arc::new(Mutex::new(rx)); // one queue, many workers\n    let workers: Vec<_> = (0..{workers})\n        \
                 .map(|_| {{\n            let rx = Arc::clone(&rx);\n            thread::spawn(move || loop {{\n                \
                 let Ok((link, size)) = rx.lock().unwrap().recv() else {{ break }};\n                \
                 thread::sleep(Duration::from_secs_f64({} + size / {}));\n                \
                 println!(\"{{link}}: done ({{size}} MB)\");\n            }})\n        }})\n        .collect();\n    \
                 for item in get_links() {{\n        tx.send(item).unwrap();\n    }}\n    drop(tx); // the workers stop when the queue is empty and closed\n    \
                 for w in workers {{\n        w.join().unwrap();\n    }}\n}}\n",
                rs(latency),
                rs(bw)
            ),
        )
    };
    Code { python, rust }
}
