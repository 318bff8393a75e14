//! Embeds the example folders (`examples/<id>/`: the manifest and every `.py` and `.rs` file, read by
//! `src/examples/mod.rs` through `include_str!`), and stops a wasm build that lacks a flag the threaded module needs, naming the flag, instead of letting it
//! build a module whose thread pool fails at run time with `DataCloneError: #<Memory> could not be cloned`.
//! The flags live in .cargo/config.toml; build.sh adds `-Z build-std`.

fn main() {
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    embed_examples();
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32") {
        return;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let flags = flags.replace('\x1f', " ");
    let required = [
        ("+atomics", "-C target-feature=+atomics,+bulk-memory"),
        ("+bulk-memory", "-C target-feature=+atomics,+bulk-memory"),
        ("--shared-memory", "-C link-arg=--shared-memory"),
        ("--import-memory", "-C link-arg=--import-memory"),
        ("--max-memory=", "-C link-arg=--max-memory=<bytes>"),
        (
            "--export=__wasm_init_tls",
            "-C link-arg=--export=__wasm_init_tls",
        ),
        ("--export=__tls_size", "-C link-arg=--export=__tls_size"),
        ("--export=__tls_align", "-C link-arg=--export=__tls_align"),
        ("--export=__tls_base", "-C link-arg=--export=__tls_base"),
    ];
    let missing: Vec<&str> = required
        .iter()
        .filter(|(needle, _)| !flags.contains(needle))
        .map(|(_, flag)| *flag)
        .collect();
    if !missing.is_empty() {
        panic!(
            "\n\nthreadlab's wasm build needs shared-memory threads, and these flags are missing: {}\n\
             They are set in .cargo/config.toml (RUSTFLAGS overrides it); build with ./build.sh, which \
             also passes -Z build-std=panic_abort,std.\n",
            missing.join(", ")
        );
    }
}

/// Writes `$OUT_DIR/examples.rs`: `static RAW: &[Raw]`, one entry per folder `examples/<id>/` that has an
/// `example.json` (`examples/cpython`, CPython's path to the prelude modules, is not an example), sorted by
/// id, with the manifest and every `.py`/`.rs` file of the folder included as text.
fn embed_examples() {
    use std::fmt::Write as _;
    use std::path::Path;
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("examples");
    // A directory is scanned whole: a new folder or file, or a changed one, reruns this.
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut folders: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    folders.retain(|p| p.join("example.json").is_file() && !p.ends_with("cpython"));
    folders.sort();
    let mut out = String::from("static RAW: &[Raw] = &[\n");
    for folder in folders {
        let id = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a folder name in UTF-8");
        let manifest = folder.join("example.json");
        println!("cargo::rerun-if-changed={}", manifest.display());
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("an example folder reads")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file() && matches!(p.extension().and_then(|x| x.to_str()), Some("py" | "rs"))
            })
            .collect();
        files.sort();
        let _ = writeln!(
            out,
            "    Raw {{ id: {id:?}, manifest: include_str!({:?}), files: &[",
            manifest.display().to_string()
        );
        for file in files {
            println!("cargo::rerun-if-changed={}", file.display());
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .expect("a file name in UTF-8");
            let _ = writeln!(
                out,
                "        ({name:?}, include_str!({:?})),",
                file.display().to_string()
            );
        }
        out.push_str("    ] },\n");
    }
    out.push_str("];\n");
    let path =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("examples.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
}
