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
             makes the main thread wait for everything submitted.",
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

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let funcs = files(params, |_, id| format!("download({id})"));
    Program {
        main: vec![
            Step::Submit { pool: 0, func: 0 },
            Step::Submit { pool: 0, func: 1 },
            Step::Shutdown {
                pool: 0,
                wait: true,
            },
            Step::Print("all downloads done".into()),
        ],
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
