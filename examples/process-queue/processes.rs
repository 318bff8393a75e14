use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const DELAY_S: f64 = 0.5;

// Between processes, data crosses as bytes: here a pipe, one number per line (what Queue does with
// pickles). The child's own messages go to stderr, so they don't mix with the results.
fn main() {
    if std::env::args().nth(1).as_deref() == Some("calc_square") {
        let mut q = std::io::stdout();
        for n in NUMBERS {
            writeln!(q, "{}", n * n).unwrap();
            q.flush().unwrap();
            eprintln!("put {}", n * n);
            thread::sleep(Duration::from_secs_f64(DELAY_S));
        }
        return;
    }
    let me = std::env::current_exe().unwrap();
    let mut p = Command::new(me)
        .arg("calc_square")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let q = p.stdout.take().unwrap();
    p.wait().unwrap(); // as join(): a pipe holds a few squares without a reader
    for item in BufReader::new(q).lines() {
        println!("{}", item.unwrap());
    }
}
