//! `pool-downloads`: the two downloads submitted to a ThreadPoolExecutor; max_workers bounds the parallelism.

use super::code::py;
use super::two_downloads::{download_code, files, PARAMS};
use super::{Code, Example, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "pool-downloads",
    title: "A thread pool: max_workers bounds the parallelism",
    group: "pools and queues",
    lesson: "A ThreadPoolExecutor keeps a fixed number of worker threads, max_workers, and hands them the \
             functions you submit, first come, first served. Submit the two downloads to a pool of 2 and \
             both run at once: 10 seconds. To a pool of 1, the second download waits in the pool's queue \
             until the first is done: 15 seconds, as if there were no threads at all. shutdown(wait=True) \
             makes the main thread wait for everything submitted. Make music.zip's connection drop and its \
             download() raises in the pool's worker: the other download and the pool go on, and the error \
             comes back through the future, raised again by result() in the main thread.",
    modes: &[
        ModeSpec {
            id: "pool",
            title: "ThreadPoolExecutor(max_workers)",
            pattern: Pattern::Threads,
        },
        ModeSpec {
            id: "pool-1",
            title: "ThreadPoolExecutor(max_workers=1)",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        PARAMS[0],
        PARAMS[1],
        ParamSpec::integer("max_workers", "max_workers", 2.0, 1.0, 16.0)
            .help("The pool's worker threads in the first mode (the second always has 1)."),
        PARAMS[2],
        PARAMS[3],
        PARAMS[4],
        PARAMS[5],
        PARAMS[6],
        PARAMS[7],
        ParamSpec::integer("drop_after_mb", "music.zip drops after", 0.0, 0.0, 100.0)
            .unit("MB")
            .help("Its connection resets after this many MB and download() raises ConnectionError; 0 never."),
    ],
    program,
    code,
};

fn workers(params: &Params, mode: &ModeSpec) -> usize {
    if mode.id == "pool-1" {
        1
    } else {
        params.count("max_workers")
    }
}

/// After how many MB music.zip's download raises, if it does (before its end).
fn drop_after(params: &Params) -> Option<usize> {
    let k = params.count("drop_after_mb");
    (k > 0 && (k as f64) < params.num("music_mb")).then_some(k)
}

/// What the dropped download raises.
fn dropped(k: usize) -> String {
    format!("ConnectionError: connection reset after {k} MB")
}

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let mut funcs = files(params, |_, id| format!("download({id})"));
    let mut main = vec![
        Step::Submit { pool: 0, func: 0 },
        Step::Submit { pool: 0, func: 1 },
        Step::Shutdown {
            pool: 0,
            wait: true,
        },
    ];
    if let Some(k) = drop_after(params) {
        // Two steps per MB: its transfer, its progress line.
        funcs[1].steps.truncate(2 * k);
        funcs[1].steps.push(Step::Raise(dropped(k)));
        main.extend([Step::Result(0), Step::Result(1)]);
    }
    main.push(Step::Print("all downloads done".into()));
    Program {
        main,
        funcs,
        pools: vec![workers(params, mode)],
        link_mb_s: params.num("link_mb_s"),
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let k = workers(params, mode);
    let (p, m) = (params.num("pictures_mb"), params.num("music_mb"));
    let (py_head, rs_head) = download_code(params);
    if let Some(k) = drop_after(params) {
        return failing_code(k, p, m, &py_head, &rs_head, workers(params, mode));
    }
    Code {
        python: format!(
            "from concurrent.futures import ThreadPoolExecutor\n{py_head}pool = ThreadPoolExecutor(max_workers={k})\n\
             pool.submit(download, \"pictures.zip\", {})\npool.submit(download, \"music.zip\", {})\n\
             pool.shutdown(wait=True)\nprint(\"all downloads done\")\n",
            py(p),
            py(m)
        ),
        rust: format!(
            "{rs_head}fn main() {{\n    // rayon's pool has exactly num_threads workers, as max_workers.\n    \
             let pool = rayon::ThreadPoolBuilder::new().num_threads({k}).build().unwrap();\n    \
             pool.scope(|s| {{\n        s.spawn(|_| download(\"pictures.zip\", {}));\n        \
             s.spawn(|_| download(\"music.zip\", {}));\n    }}); // waits for both, as shutdown(wait=True)\n    \
             println!(\"all downloads done\");\n}}\n",
            p.ceil(),
            m.ceil()
        ),
    }
}

/// The program when music.zip's connection drops after `k` MB: the error comes back through its future.
fn failing_code(k: usize, p: f64, m: f64, py_head: &str, rs_head: &str, workers: usize) -> Code {
    let error = dropped(k);
    let message = error.trim_start_matches("ConnectionError: ");
    Code {
        python: format!(
            "from concurrent.futures import ThreadPoolExecutor\n{py_head}\
             def flaky_download(name, size_mb):\n    download(name, {k})\n    \
             raise ConnectionError(\"{message}\")\n\n\
             pool = ThreadPoolExecutor(max_workers={workers})\n\
             futures = [pool.submit(download, \"pictures.zip\", {}), pool.submit(flaky_download, \"music.zip\", {})]\n\
             pool.shutdown(wait=True)\nfor f in futures:\n    try:\n        print(f\"result() = {{f.result()}}\")\n    \
             except ConnectionError as e:\n        print(f\"result() raised ConnectionError: {{e}}\")\n\
             print(\"all downloads done\")\n",
            py(p),
            py(m)
        ),
        rust: format!(
            "{rs_head}fn flaky_download(name: &str) -> Result<(), String> {{\n    download(name, {k});\n    \
             Err(\"{error}\".into())\n}}\n\n\
             fn main() {{\n    let pool = rayon::ThreadPoolBuilder::new().num_threads({workers}).build().unwrap();\n    \
             let (a, b) = pool.join(\n        || {{ download(\"pictures.zip\", {}); Ok::<(), String>(()) }},\n        \
             || flaky_download(\"music.zip\"),\n    );\n    \
             for r in [a, b] {{\n        match r {{\n            Ok(()) => println!(\"result() = None\"),\n            \
             Err(e) => println!(\"result() raised {{e}}\"),\n        }}\n    }}\n    \
             println!(\"all downloads done\");\n}}\n",
            p.ceil()
        ),
    }
}
