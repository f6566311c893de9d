//! A panic restores the terminal and writes its report to a file in the
//! state folder instead of over the screen. (Its own test binary: the panic
//! hook is process-wide.)

#[test]
fn a_panic_report_goes_to_a_private_file_in_the_state_folder() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state/tend");
    tend::crash::install_panic_hook(Some(state.clone()));
    let result = std::panic::catch_unwind(|| panic!("invariant broken near Testa, Una"));
    assert!(result.is_err());
    let _ = std::panic::take_hook();

    let reports: Vec<_> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = &reports[0];
    let name = report.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("crash-") && name.ends_with(".txt"),
        "{name}"
    );
    let mode = std::fs::metadata(report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(report).unwrap();
    assert!(text.starts_with("tend "), "{text}");
    assert!(text.contains("tend panicked at tests/crash.rs:"), "{text}");
    assert!(
        !text.contains("Testa"),
        "the message, which may quote data, is left out: {text}"
    );
    assert!(!text.contains('\x1b'), "plain text, no colour codes");
}
