//! The SGR sequences of the compact backend: a pen's attributes and
//! colours as codes, and the shortest step from one pen to another.

use ratatui::style::{Color, Modifier};

use super::Pen;

/// The SGR codes of each modifier, on and off.
const MODIFIER_CODES: [(Modifier, u16, u16); 9] = [
    (Modifier::BOLD, 1, 22),
    (Modifier::DIM, 2, 22),
    (Modifier::ITALIC, 3, 23),
    (Modifier::UNDERLINED, 4, 24),
    (Modifier::SLOW_BLINK, 5, 25),
    (Modifier::RAPID_BLINK, 6, 25),
    (Modifier::REVERSED, 7, 27),
    (Modifier::HIDDEN, 8, 28),
    (Modifier::CROSSED_OUT, 9, 29),
];

/// The codes that turn on what `to` has and `from` lacks.
fn modifier_on(from: Modifier, to: Modifier) -> Vec<String> {
    MODIFIER_CODES
        .iter()
        .filter(|(m, _, _)| to.contains(*m) && !from.contains(*m))
        .map(|(_, on, _)| on.to_string())
        .collect()
}

/// The codes from `from` to `to`: each removed modifier's off code once (22
/// ends bold and dim together, 25 both blinks), then what is to be on and
/// is not, counting what a shared off code took away.
fn modifier_step(from: Modifier, to: Modifier) -> Vec<String> {
    let mut codes = Vec::new();
    let mut kept = from;
    for (modifier, _, off) in MODIFIER_CODES {
        if from.contains(modifier) && !to.contains(modifier) {
            let code = off.to_string();
            if !codes.contains(&code) {
                codes.push(code);
            }
            for (other, _, other_off) in MODIFIER_CODES {
                if other_off == off {
                    kept.remove(other);
                }
            }
        }
    }
    codes.extend(modifier_on(kept, to));
    codes
}

/// The colour codes that take `from`'s colours to `to`'s.
fn colour_params(params: &mut Vec<String>, from: Pen, to: Pen) {
    // A foreground of palette 0-7 is written 30-37, in fewer bytes than
    // `38;5;N`, only on a pen that is not bold: xterm shows 30-37 brighter
    // under bold, `38;5;N` not. So a pen turning bold says its low
    // foreground again as `38;5;N`.
    let bold = to.modifier.contains(Modifier::BOLD);
    let low_fg = low_code(to.fg);
    let fg_again = low_fg.is_some() && bold && !from.modifier.contains(Modifier::BOLD);
    if from.fg != to.fg || fg_again {
        params.push(match (low_fg, bright_code(to.fg), colour_code(to.fg)) {
            (Some(code), _, _) if !bold => (30 + code).to_string(),
            // 90-97 name the same palette entries as `38;5;8` to
            // `38;5;15` (a terminal with 256 colours has them all).
            (_, Some(code), _) => code.to_string(),
            (_, _, None) => "39".to_string(),
            (_, _, Some(code)) => format!("38;{code}"),
        });
    }
    let layers = [
        (from.bg, to.bg, 48, 49),
        (from.underline, to.underline, 58, 59),
    ];
    for (was, colour, set, reset) in layers {
        if was == colour {
            continue;
        }
        params.push(match (bright_code(colour), colour_code(colour)) {
            (Some(code), _) if set == 48 => (code + 10).to_string(),
            (_, None) => reset.to_string(),
            (_, Some(code)) => format!("{set};{code}"),
        });
    }
}

/// The palette entry a colour names (the sixteen named ones are its first
/// sixteen); `None` for the default colour and for RGB.
fn palette_index(colour: Color) -> Option<u8> {
    let index = match colour {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => i,
        Color::Reset | Color::Rgb(..) => return None,
    };
    Some(index)
}

/// The palette entry (0-7) of a colour of the eight low ones.
fn low_code(colour: Color) -> Option<u16> {
    palette_index(colour).filter(|&i| i < 8).map(u16::from)
}

/// The foreground code (90-97) of the eight bright colours (8-15).
fn bright_code(colour: Color) -> Option<u16> {
    palette_index(colour)
        .filter(|i| (8..16).contains(i))
        .map(|i| 82 + u16::from(i))
}

/// `5;N` or `2;R;G;B` after 38, 48 or 58; `None` for the default colour.
pub(super) fn colour_code(colour: Color) -> Option<String> {
    match colour {
        Color::Rgb(r, g, b) => Some(format!("2;{r};{g};{b}")),
        _ => palette_index(colour).map(|i| format!("5;{i}")),
    }
}

/// The one SGR sequence that takes the terminal from `from` (unknown when
/// `None`) to `to`: the step from what is set, or from a reset when that is
/// shorter. A reset alone is `ESC[m`, the default parameter being 0.
pub(super) fn step(from: Option<Pen>, to: Pen) -> String {
    let mut from_reset = vec![0u16.to_string()];
    from_reset.extend(modifier_on(Modifier::empty(), to.modifier));
    colour_params(&mut from_reset, Pen::RESET, to);
    let params = match from {
        None => from_reset,
        Some(from) => {
            let mut step = modifier_step(from.modifier, to.modifier);
            colour_params(&mut step, from, to);
            if step.join(";").len() < from_reset.join(";").len() {
                step
            } else {
                from_reset
            }
        }
    };
    if params == ["0"] {
        return RESET.to_string();
    }
    format!("\x1b[{}m", params.join(";"))
}

/// Every attribute and colour back to the terminal's default.
pub(super) const RESET: &str = "\x1b[m";

#[cfg(test)]
mod tests {
    use super::*;

    fn pen(fg: Color, modifier: Modifier) -> Pen {
        Pen {
            fg,
            modifier,
            ..Pen::RESET
        }
    }

    #[test]
    fn a_reset_is_the_shortest_sequence() {
        assert_eq!(step(None, Pen::RESET), "\x1b[m");
        let red = pen(Color::Red, Modifier::empty());
        assert_eq!(step(Some(red), Pen::RESET), "\x1b[m");
    }

    #[test]
    fn a_low_foreground_is_30_to_37_only_when_not_bold() {
        let red = pen(Color::Red, Modifier::empty());
        let bold_red = pen(Color::Red, Modifier::BOLD);
        assert_eq!(step(Some(Pen::RESET), red), "\x1b[31m");
        assert_eq!(step(None, bold_red), "\x1b[0;1;38;5;1m");
        // Turning bold on over a red written `31` says the red again, or
        // xterm would show it bright.
        assert_eq!(step(Some(red), bold_red), "\x1b[1;38;5;1m");
        // `38;5;1` stays right once bold is off.
        assert_eq!(step(Some(bold_red), red), "\x1b[22m");
        let grey = pen(Color::DarkGray, Modifier::empty());
        assert_eq!(step(Some(Pen::RESET), grey), "\x1b[90m");
        let indexed = pen(Color::Indexed(6), Modifier::empty());
        assert_eq!(step(Some(Pen::RESET), indexed), "\x1b[36m");
        // Palette entries 8-15 are 90-97 however named; others `38;5;N`.
        let bright = pen(Color::Indexed(9), Modifier::BOLD);
        assert_eq!(step(Some(Pen::RESET), bright), "\x1b[1;91m");
        let other = pen(Color::Indexed(200), Modifier::empty());
        assert_eq!(step(Some(Pen::RESET), other), "\x1b[38;5;200m");
    }
}
