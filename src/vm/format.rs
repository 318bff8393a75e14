//! Formatting as CPython 3.11 does it: the format-spec mini-language (`[[fill]align][sign][z][#][0][width]
//! [,|_][.precision][type]`) for ints, floats and strings, f-string values, `format()`, `str.format`
//! (in `template`) and `%` formatting (in `percent`).
//!
//! Floats go through [`format_float_short`], a port of CPython's function of that name, fed with digits
//! from Rust's float formatting, which is correctly rounded (half-even on the exact binary value) as
//! CPython's `_Py_dg_dtoa` is.

mod percent;
mod template;
#[cfg(test)]
mod tests;

use crate::python::bytecode::{CONV_ASCII, CONV_REPR, CONV_STR};

use super::ops;
use super::types::ExcType;
use super::value::{Flow, Value};
use super::Ctx;

pub use percent::percent;
pub use template::str_format;

/// A parsed format spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The fill character (`' '` by default).
    pub fill: char,
    /// `<`, `>`, `^` or `=`; `None` for the type's default.
    pub align: Option<char>,
    /// `+`, `-` or `' '`.
    pub sign: Option<char>,
    /// `z`: negative zero becomes zero.
    pub no_neg_0: bool,
    /// `#`: alternate form.
    pub alt: bool,
    /// Minimum width.
    pub width: Option<usize>,
    /// `,` or `_` (`_` every four digits for `b o x X` is `4`).
    pub grouping: Option<char>,
    /// `.precision`.
    pub precision: Option<usize>,
    /// The presentation type.
    pub ty: Option<char>,
}

/// An error of formatting: the exception type and message.
pub type FmtError = (ExcType, String);

fn value_error(msg: String) -> FmtError {
    (ExcType::ValueError, msg)
}

fn get_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, FmtError> {
    let start = *pos;
    let mut n: usize = 0;
    while *pos < chars.len() && chars[*pos].is_ascii_digit() {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(chars[*pos] as usize - '0' as usize))
            .ok_or_else(|| value_error("Too many decimal digits in format string".into()))?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(n))
}

/// Parses a format spec for an object of type `type_name`, whose default presentation type is
/// `default_type` and default alignment `default_align` (CPython's `parse_internal_render_format_spec`).
pub fn parse_spec(
    spec: &str,
    type_name: &str,
    default_type: Option<char>,
    default_align: char,
) -> Result<Spec, FmtError> {
    let chars: Vec<char> = spec.chars().collect();
    let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
    let mut s = Spec {
        fill: ' ',
        align: None,
        sign: None,
        no_neg_0: false,
        alt: false,
        width: None,
        grouping: None,
        precision: None,
        ty: default_type,
    };
    let mut pos = 0;
    let mut fill_given = false;
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = chars[0];
        s.align = Some(chars[1]);
        fill_given = true;
        pos = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        pos = 1;
    }
    if pos < chars.len() && matches!(chars[pos], '+' | '-' | ' ') {
        s.sign = Some(chars[pos]);
        pos += 1;
    }
    if pos < chars.len() && chars[pos] == 'z' {
        s.no_neg_0 = true;
        pos += 1;
    }
    if pos < chars.len() && chars[pos] == '#' {
        s.alt = true;
        pos += 1;
    }
    if !fill_given && pos < chars.len() && chars[pos] == '0' {
        s.fill = '0';
        if s.align.is_none() && default_align == '>' {
            s.align = Some('=');
        }
        pos += 1;
    }
    s.width = get_integer(&chars, &mut pos)?;
    if pos < chars.len() && chars[pos] == ',' {
        s.grouping = Some(',');
        pos += 1;
    }
    if pos < chars.len() && chars[pos] == '_' {
        if s.grouping.is_some() {
            return Err(value_error("Cannot specify both ',' and '_'.".into()));
        }
        s.grouping = Some('_');
        pos += 1;
    }
    if pos < chars.len() && chars[pos] == ',' && s.grouping == Some('_') {
        return Err(value_error("Cannot specify both ',' and '_'.".into()));
    }
    if pos < chars.len() && chars[pos] == '.' {
        pos += 1;
        s.precision = get_integer(&chars, &mut pos)?;
        if s.precision.is_none() {
            return Err(value_error("Format specifier missing precision".into()));
        }
    }
    if chars.len() - pos > 1 {
        return Err(value_error(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        )));
    }
    if pos < chars.len() {
        s.ty = Some(chars[pos]);
    }
    if let Some(g) = s.grouping {
        match s.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            Some('b' | 'o' | 'x' | 'X') if g == '_' => {}
            Some(t) => {
                return Err(value_error(format!("Cannot specify '{g}' with '{t}'.")));
            }
        }
    }
    Ok(s)
}

/// Pads `text` (of `len` characters) to the spec's width with its fill and alignment.
fn pad(text: &str, len: usize, width: Option<usize>, align: char, fill: char) -> String {
    let width = width.unwrap_or(0);
    if width <= len {
        return text.to_string();
    }
    let n = width - len;
    let (left, right) = match align {
        '<' => (0, n),
        '^' => (n / 2, n - n / 2),
        _ => (n, 0),
    };
    let mut out = String::with_capacity(text.len() + n);
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// Formats a string with a spec (`format('ab', '>5')`).
pub fn format_str(s: &str, spec: &str) -> Result<String, FmtError> {
    let sp = parse_spec(spec, "str", Some('s'), '<')?;
    if sp.ty != Some('s') {
        return Err(unknown_code(sp.ty.unwrap_or('s'), "str"));
    }
    if sp.sign.is_some() {
        return Err(value_error(
            "Sign not allowed in string format specifier".into(),
        ));
    }
    if sp.no_neg_0 {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in string format specifier".into(),
        ));
    }
    if sp.alt {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier".into(),
        ));
    }
    if sp.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier".into(),
        ));
    }
    let mut len = ops::str_len(s);
    let text: String = match sp.precision {
        Some(p) if p < len => {
            len = p;
            s.chars().take(p).collect()
        }
        _ => s.to_string(),
    };
    Ok(pad(&text, len, sp.width, sp.align.unwrap_or('<'), sp.fill))
}

fn unknown_code(c: char, type_name: &str) -> FmtError {
    if c.is_ascii_graphic() || c == ' ' {
        value_error(format!(
            "Unknown format code '{c}' for object of type '{type_name}'"
        ))
    } else {
        value_error(format!(
            "Unknown format code '\\x{:x}' for object of type '{type_name}'",
            c as u32
        ))
    }
}

/// Inserts the thousands separator every `group` digits from the right, padding with zeros on the left
/// up to `min_width` characters (CPython's `_PyUnicode_InsertThousandsGrouping`).
fn group_digits(digits: &str, sep: Option<char>, group: usize, min_width: i64) -> String {
    let bytes = digits.as_bytes();
    let mut remaining = bytes.len() as i64;
    let mut min_width = min_width.max(0);
    let mut parts: Vec<String> = Vec::new();
    let take = |remaining: i64, l: i64, parts: &mut Vec<String>| {
        let n_zeros = (l - remaining).max(0);
        let n_chars = remaining.min(l).max(0);
        let mut part = "0".repeat(n_zeros as usize);
        part.push_str(&digits[(remaining - n_chars) as usize..remaining as usize]);
        parts.push(part);
        n_chars
    };
    match sep {
        None => {
            let l = remaining.max(min_width).max(1);
            take(remaining, l, &mut parts);
        }
        Some(_) => loop {
            let l = (group as i64).min(remaining.max(min_width).max(1));
            let used = take(remaining, l, &mut parts);
            remaining -= used;
            min_width -= l;
            if remaining <= 0 && min_width <= 0 {
                break;
            }
            min_width -= 1;
        },
    }
    parts.reverse();
    let sep = sep.map(String::from).unwrap_or_default();
    parts.join(&sep)
}

/// The parts of a formatted number, laid out by [`layout_number`].
struct NumberParts<'a> {
    /// `-` if negative.
    negative: bool,
    /// `0x` and the like.
    prefix: &'a str,
    /// The leading digits (to group).
    digits: &'a str,
    /// The rest: `.5`, `e+10`, `%`, `inf`.
    remainder: &'a str,
}

/// CPython's `calc_number_widths` + `fill_number`.
fn layout_number(p: &NumberParts<'_>, spec: &Spec) -> String {
    let sign = match (p.negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let align = spec.align.unwrap_or('>');
    let width = spec.width.map(|w| w as i64).unwrap_or(-1);
    let remainder_len = p.remainder.chars().count() as i64;
    let non_digit = sign.len() as i64 + p.prefix.len() as i64 + remainder_len;
    let min_width = if spec.fill == '0' && align == '=' {
        width - non_digit
    } else {
        0
    };
    let (sep, group) = match spec.grouping {
        Some(',') => (Some(','), 3),
        Some('_') => {
            if matches!(spec.ty, Some('b' | 'o' | 'x' | 'X')) {
                (Some('_'), 4)
            } else {
                (Some('_'), 3)
            }
        }
        _ => (None, 3),
    };
    let grouped = if p.digits.is_empty() {
        String::new()
    } else {
        group_digits(p.digits, sep, group, min_width)
    };
    let total = non_digit + grouped.len() as i64;
    let n_padding = (width - total).max(0) as usize;
    let (l, s, r) = match align {
        '<' => (0, 0, n_padding),
        '^' => (n_padding / 2, 0, n_padding - n_padding / 2),
        '=' => (0, n_padding, 0),
        _ => (n_padding, 0, 0),
    };
    let fill = |n: usize| std::iter::repeat_n(spec.fill, n).collect::<String>();
    let mut out = String::new();
    out.push_str(&fill(l));
    out.push_str(sign);
    out.push_str(p.prefix);
    out.push_str(&fill(s));
    out.push_str(&grouped);
    out.push_str(p.remainder);
    out.push_str(&fill(r));
    out
}

/// Formats an int with a spec (`format(255, '#x')`).
pub fn format_int(i: i64, spec: &str) -> Result<String, FmtError> {
    format_int_as(i, spec, "int")
}

/// Formats an int (or a bool, `type_name` for messages) with a spec.
fn format_int_as(i: i64, spec: &str, type_name: &str) -> Result<String, FmtError> {
    let sp = parse_spec(spec, type_name, Some('d'), '>')?;
    format_int_spec(i, &sp, type_name)
}

fn format_int_spec(i: i64, sp: &Spec, type_name: &str) -> Result<String, FmtError> {
    let ty = sp.ty.unwrap_or('d');
    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return format_float_spec(i as f64, sp);
    }
    if !matches!(ty, 'd' | 'n' | 'b' | 'o' | 'x' | 'X' | 'c') {
        return Err(unknown_code(ty, type_name));
    }
    if sp.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier".into(),
        ));
    }
    if sp.no_neg_0 {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in integer format specifier".into(),
        ));
    }
    if ty == 'c' {
        if sp.sign.is_some() {
            return Err(value_error(
                "Sign not allowed with integer format specifier 'c'".into(),
            ));
        }
        if sp.alt {
            return Err(value_error(
                "Alternate form (#) not allowed with integer format specifier 'c'".into(),
            ));
        }
        let c = u32::try_from(i)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| {
                (
                    ExcType::OverflowError,
                    "%c arg not in range(0x110000)".to_string(),
                )
            })?;
        let text = c.to_string();
        let mut sp2 = sp.clone();
        sp2.grouping = None;
        return Ok(layout_number(
            &NumberParts {
                negative: false,
                prefix: "",
                digits: "",
                remainder: &text,
            },
            &sp2,
        ));
    }
    let a = i.unsigned_abs();
    let (digits, prefix) = match ty {
        'b' => (format!("{a:b}"), "0b"),
        'o' => (format!("{a:o}"), "0o"),
        'x' => (format!("{a:x}"), "0x"),
        'X' => (format!("{a:X}"), "0X"),
        _ => (a.to_string(), ""),
    };
    Ok(layout_number(
        &NumberParts {
            negative: i < 0,
            prefix: if sp.alt { prefix } else { "" },
            digits: &digits,
            remainder: "",
        },
        sp,
    ))
}

/// The digits of `d` (finite, non-negative) as CPython's `_Py_dg_dtoa` gives them: no trailing zeros,
/// `"0"` for zero, and the position of the decimal point. Mode 0: shortest round-trip; mode 2: at most
/// `ndigits` significant digits; mode 3: `ndigits` digits after the point.
pub fn dtoa(d: f64, mode: u8, ndigits: i32) -> (String, i32) {
    if d == 0.0 {
        return ("0".into(), 1);
    }
    let (mut digits, decpt) = match mode {
        0 => ops::shortest_digits(d),
        2 => {
            let s = format!("{:.*e}", (ndigits.max(1) - 1) as usize, d);
            let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
            let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
            (digits, e.parse::<i32>().unwrap_or(0) + 1)
        }
        _ => {
            let s = format!("{:.*}", ndigits.max(0) as usize, d);
            let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
            let mut decpt = int.len() as i32;
            let mut all = String::with_capacity(int.len() + frac.len());
            all.push_str(int);
            all.push_str(frac);
            let trimmed = all.trim_start_matches('0');
            decpt -= (all.len() - trimmed.len()) as i32;
            if trimmed.is_empty() {
                return ("0".into(), 1);
            }
            (trimmed.to_string(), decpt)
        }
    };
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, decpt)
}

/// Options of [`format_float_short`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FloatFlags {
    /// Always write a sign.
    pub always_sign: bool,
    /// Write `.0` after an integral value (repr, and no presentation type).
    pub add_dot_0: bool,
    /// `#`: keep the point and trailing zeros.
    pub alt: bool,
    /// `z`: negative zero becomes zero.
    pub no_neg_0: bool,
}

/// CPython's `format_float_short`: `d` in format `code` (`e f g r`, or `E F G` for capitals) with
/// `precision`.
pub fn format_float_short(d: f64, code: char, precision: i32, flags: FloatFlags) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    let mut negative = d.is_sign_negative();
    if d.is_nan() || d.is_infinite() {
        let word = if d.is_nan() { "nan" } else { "inf" };
        let word = if upper {
            word.to_uppercase()
        } else {
            word.to_string()
        };
        // CPython's dtoa reports NaN without a sign.
        if d.is_nan() {
            negative = false;
        }
        let sign = if negative {
            "-"
        } else if flags.always_sign {
            "+"
        } else {
            ""
        };
        return format!("{sign}{word}");
    }
    let (mode, ndigits) = match code {
        'e' => (2, precision + 1),
        'f' => (3, precision),
        'g' => (2, precision.max(1)),
        _ => (0, 0),
    };
    let precision = if code == 'e' {
        precision + 1
    } else if code == 'g' {
        precision.max(1)
    } else {
        precision
    };
    let (digits, mut decpt) = dtoa(d.abs(), mode, ndigits);
    if flags.no_neg_0 && negative && digits == "0" {
        negative = false;
    }
    let digits_len = digits.len() as i32;
    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            let limit = if flags.add_dot_0 {
                precision - 1
            } else {
                precision
            };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alt {
                vdigits_end = precision;
            }
        }
        _ => {
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && flags.add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };
    let zeros = |n: i32| "0".repeat(n.max(0) as usize);
    let mut out = String::new();
    if negative {
        out.push('-');
    } else if flags.always_sign {
        out.push('+');
    }
    if decpt <= 0 {
        out.push_str(&zeros(decpt - vdigits_start));
        out.push('.');
        out.push_str(&zeros(-decpt));
    } else {
        out.push_str(&zeros(-vdigits_start));
    }
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    } else {
        out.push_str(&digits);
    }
    if digits_len < decpt {
        out.push_str(&zeros(decpt - digits_len));
        out.push('.');
        out.push_str(&zeros(vdigits_end - decpt));
    } else {
        out.push_str(&zeros(vdigits_end - digits_len));
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

/// Formats a float with a spec (`format(3.14159, '.2f')`).
pub fn format_float(f: f64, spec: &str) -> Result<String, FmtError> {
    let sp = parse_spec(spec, "float", None, '>')?;
    format_float_spec(f, &sp)
}

fn format_float_spec(f: f64, sp: &Spec) -> Result<String, FmtError> {
    let ty = sp.ty;
    if let Some(t) = ty {
        if !matches!(t, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') {
            return Err(unknown_code(t, "float"));
        }
    }
    let mut flags = FloatFlags {
        alt: sp.alt,
        no_neg_0: sp.no_neg_0,
        ..FloatFlags::default()
    };
    let mut default_precision = 6;
    let mut code = match ty {
        None => {
            flags.add_dot_0 = true;
            default_precision = 0;
            'r'
        }
        Some('n') => 'g',
        Some(t) => t,
    };
    let mut val = f;
    let mut add_pct = false;
    if code == '%' {
        code = 'f';
        val *= 100.0;
        add_pct = true;
    }
    let precision = match sp.precision {
        None => default_precision,
        Some(p) => {
            if code == 'r' {
                code = 'g';
            }
            p as i32
        }
    };
    let mut text = format_float_short(val, code, precision, flags);
    if add_pct {
        text.push('%');
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (digits, remainder) = body.split_at(split);
    Ok(layout_number(
        &NumberParts {
            negative,
            prefix: "",
            digits,
            remainder,
        },
        sp,
    ))
}

/// `ascii(v)`: the repr with non-ASCII characters escaped.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        let u = c as u32;
        if u < 0x80 {
            out.push(c);
        } else if u < 0x100 {
            out.push_str(&format!("\\x{u:02x}"));
        } else if u < 0x10000 {
            out.push_str(&format!("\\u{u:04x}"));
        } else {
            out.push_str(&format!("\\U{u:08x}"));
        }
    }
    out
}

fn raise(ctx: &Ctx<'_>, e: FmtError) -> Flow {
    ctx.raise(e.0, &e.1)
}

/// `format(v, spec)`: strings, ints, bools and floats by the mini-language; a user class by its
/// `__format__`; anything else only with an empty spec (`str(v)`).
pub fn format_spec(ctx: &mut Ctx<'_>, v: &Value, spec: &str) -> Result<String, Flow> {
    match v {
        Value::Str(s) => {
            if spec.is_empty() {
                return Ok(s.to_string());
            }
            format_str(s, spec).map_err(|e| raise(ctx, e))
        }
        Value::Int(i) => format_int(*i, spec).map_err(|e| raise(ctx, e)),
        Value::Bool(b) => {
            if spec.is_empty() {
                return ops::str(ctx, v);
            }
            format_int_as(*b as i64, spec, "bool").map_err(|e| raise(ctx, e))
        }
        Value::Float(f) => format_float(*f, spec).map_err(|e| raise(ctx, e)),
        Value::Instance(_) => {
            if let Some(r) = ops::call_user(ctx, v, "__format__", vec![Value::str(spec)]) {
                return match r? {
                    Value::Str(s) => Ok(s.to_string()),
                    other => {
                        let t = ops::type_name(ctx, &other);
                        Err(ctx.raise(
                            ExcType::TypeError,
                            &format!("__format__ must return a str, not {t}"),
                        ))
                    }
                };
            }
            if spec.is_empty() {
                return ops::str(ctx, v);
            }
            let t = ops::type_name(ctx, v);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("unsupported format string passed to {t}.__format__"),
            ))
        }
        _ => {
            if spec.is_empty() {
                return ops::str(ctx, v);
            }
            let t = ops::type_name(ctx, v);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("unsupported format string passed to {t}.__format__"),
            ))
        }
    }
}

/// Applies a conversion (`bytecode::CONV_*`: `!s`, `!r`, `!a`) to a value.
pub fn convert(ctx: &mut Ctx<'_>, v: &Value, conversion: u8) -> Result<Value, Flow> {
    Ok(match conversion {
        CONV_STR => Value::str(&ops::str(ctx, v)?),
        CONV_REPR => Value::str(&ops::repr(ctx, v)?),
        CONV_ASCII => Value::str(&ascii_escape(&ops::repr(ctx, v)?)),
        _ => v.clone(),
    })
}

/// Formats a value for an f-string's `FormatValue`: `conversion` is a `bytecode::CONV_*`, `spec` the
/// format spec if there is one.
pub fn format_value(
    ctx: &mut Ctx<'_>,
    v: &Value,
    conversion: u8,
    spec: Option<&str>,
) -> Result<String, Flow> {
    let v = convert(ctx, v, conversion)?;
    // CPython formats with an empty spec when there is none: a user `__format__` still runs.
    format_spec(ctx, &v, spec.unwrap_or(""))
}
