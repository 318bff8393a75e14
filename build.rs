//! Stops a wasm build that lacks a flag the threaded module needs, naming the flag, instead of letting it
//! build a module whose thread pool fails at run time with `DataCloneError: #<Memory> could not be cloned`.
//! The flags live in .cargo/config.toml; build.sh adds `-Z build-std`.

fn main() {
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
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
