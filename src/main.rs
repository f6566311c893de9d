use std::process::ExitCode;

fn main() -> ExitCode {
    tend::cli::main()
}
