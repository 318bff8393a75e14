//! `pool-map-images`: `ThreadPoolExecutor(3).map` over five image downloads of different sizes.

use super::code::{py, rs};
use super::{
    download_by, Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step,
};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "pool-map-images",
    title: "executor.map over five images with three workers",
    group: "pools and queues",
    lesson: "executor.map(download, urls) submits one download per link to a pool and gives back the \
             results in the order of the links, whatever order they finish in. With three workers, three \
             images start at once; the fourth and fifth wait in the pool's queue until a worker is free. \
             One after another the five take about 8.6 seconds; with three workers about 3.5.",
    modes: &[
        ModeSpec {
            id: "sequential",
            title: "sequential: a for loop",
            pattern: Pattern::Sequential,
        },
        ModeSpec {
            id: "pool",
            title: "ThreadPoolExecutor(max_workers).map",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        ParamSpec::list("sizes_kb", "Image sizes", &[2000.0, 1000.0, 1500.0, 800.0, 800.0], 0.0, 100_000.0, 12)
            .unit("KB")
            .help("One image per size."),
        ParamSpec::integer("max_workers", "max_workers", 3.0, 1.0, 16.0).help("The pool's worker threads."),
        ParamSpec::number("bandwidth_mb_s", "Bandwidth per connection", 1.0, 0.01, 1000.0)
            .unit("MB/s")
            .help("How fast one connection receives."),
        ParamSpec::number("latency_s", "Latency", 0.5, 0.0, 10.0)
            .unit("s")
            .help("The wait before each image's first byte."),
        ParamSpec::number("link_mb_s", "Shared link", 0.0, 0.0, 1000.0)
            .unit("MB/s")
            .help("What all connections share; 0 is unlimited."),
        super::NETWORK,
        super::URL,
    ],
    program,
    code,
};

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let sizes = params.list("sizes_kb");
    let (bw, latency) = (params.num("bandwidth_mb_s"), params.num("latency_s"));
    let funcs: Vec<Func> = sizes
        .iter()
        .enumerate()
        .map(|(i, kb)| {
            let file = format!("image{}.jpg", i + 1);
            let mut steps = download_by(params, &file, *kb as f64 / 1000.0, bw, latency);
            // What map gives back for this link: the bytes received, in KB.
            steps.push(Step::Return(*kb));
            Func::new(
                format!("image{}", i + 1),
                format!("download(image{})", i + 1),
                steps,
            )
        })
        .collect();
    let n = funcs.len();
    let main = if mode.pattern == Pattern::Sequential {
        (0..n).map(Step::Call).collect()
    } else {
        // map: submit every link, then take the results in the order of the links.
        let mut main: Vec<Step> = (0..n).map(|func| Step::Submit { pool: 0, func }).collect();
        main.extend((0..n).map(Step::Result));
        main.push(Step::Shutdown {
            pool: 0,
            wait: true,
        });
        main
    };
    Program {
        main,
        funcs,
        pools: if mode.pattern == Pattern::Sequential {
            vec![]
        } else {
            vec![params.count("max_workers")]
        },
        link_mb_s: params.num("link_mb_s"),
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let sizes = params.list("sizes_kb");
    let k = params.count("max_workers");
    let (bw, latency) = (params.num("bandwidth_mb_s"), params.num("latency_s"));
    let urls: Vec<String> = (1..=sizes.len())
        .map(|i| format!("\"https://example.org/image{i}.jpg\""))
        .collect();
    let head = format!(
        "import time\nfrom concurrent.futures import ThreadPoolExecutor\n\nSIZES_KB = {:?}\n\n\
         def download(i):\n    time.sleep({} + SIZES_KB[i] / 1000 / {})  # latency, then the bytes (simulated)\n    \
         return SIZES_KB[i]\n\nurls = [{}]\n",
        sizes,
        py(latency),
        py(bw),
        urls.join(", ")
    );
    let (python, rust) = if mode.pattern == Pattern::Sequential {
        (
            format!("{head}for i in range(len(urls)):\n    print(download(i))\n"),
            format!(
                "use std::{{thread, time::Duration}};\n\nconst SIZES_KB: [u64; {n}] = {:?};\n\n\
                 fn download(i: usize) -> u64 {{\n    thread::sleep(Duration::from_secs_f64({} + SIZES_KB[i] as f64 / 1000.0 / {}));\n    \
                 SIZES_KB[i]\n}}\n\nfn main() {{\n    for i in 0..{n} {{\n        println!(\"{{}}\", download(i));\n    }}\n}}\n",
                sizes,
                rs(latency),
                rs(bw),
                n = sizes.len()
            ),
        )
    } else {
        (
            format!(
                "{head}with ThreadPoolExecutor(max_workers={k}) as executor:\n    \
                 for result in executor.map(download, range(len(urls))):\n        print(result)  # in the order of urls\n"
            ),
            format!(
                "use rayon::prelude::*;\nuse std::{{thread, time::Duration}};\n\nconst SIZES_KB: [u64; {n}] = {:?};\n\n\
                 fn download(i: usize) -> u64 {{\n    thread::sleep(Duration::from_secs_f64({} + SIZES_KB[i] as f64 / 1000.0 / {}));\n    \
                 SIZES_KB[i]\n}}\n\nfn main() {{\n    let pool = rayon::ThreadPoolBuilder::new().num_threads({k}).build().unwrap();\n    \
                 // collect() keeps the input order, as executor.map does.\n    \
                 let results: Vec<u64> = pool.install(|| (0..{n}).into_par_iter().map(download).collect());\n    \
                 results.iter().for_each(|r| println!(\"{{r}}\"));\n}}\n",
                sizes,
                rs(latency),
                rs(bw),
                n = sizes.len()
            ),
        )
    };
    Code { python, rust }
}
