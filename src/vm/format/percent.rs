//! `%` formatting of strings (`"%5.2f" % x`, `"%(name)s" % d`), as CPython's `PyUnicode_Format`.

use super::super::ops;
use super::super::types::ExcType;
use super::super::value::{Flow, Value};
use super::super::Ctx;
use super::{ascii_escape, format_float_short, FloatFlags};

/// Where the arguments come from.
struct Args<'a> {
    items: &'a [Value],
    /// Next argument; `-2`/`-1` for a single non-tuple argument not yet / already used (CPython's
    /// convention).
    index: i64,
    len: i64,
    mapping: Option<&'a Value>,
}

impl Args<'_> {
    fn next(&mut self, ctx: &Ctx<'_>) -> Result<Value, Flow> {
        if self.len < 0 {
            if self.index == -2 {
                self.index = -1;
                return Ok(self.items[0].clone());
            }
        } else if self.index < self.len {
            self.index += 1;
            return Ok(self.items[(self.index - 1) as usize].clone());
        }
        Err(ctx.raise(ExcType::TypeError, "not enough arguments for format string"))
    }
}

fn is_mapping(v: &Value) -> bool {
    match v {
        Value::Dict(_) | Value::List(_) => true,
        Value::Instance(_) => ops::user_method(v, "__getitem__").is_some(),
        _ => false,
    }
}

/// `template % right`.
pub fn percent(ctx: &mut Ctx<'_>, template: &str, right: &Value) -> Result<String, Flow> {
    let single = [right.clone()];
    let mut args = match right {
        Value::Tuple(t) => Args {
            items: t,
            index: 0,
            len: t.len() as i64,
            mapping: None,
        },
        _ => Args {
            items: &single,
            index: -2,
            len: -1,
            mapping: is_mapping(right).then_some(right),
        },
    };
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::with_capacity(template.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if i >= chars.len() {
            return Err(ctx.raise(ExcType::ValueError, "incomplete format"));
        }
        // %(key)
        let mut arg: Option<Value> = None;
        if chars[i] == '(' {
            let Some(mapping) = args.mapping else {
                return Err(ctx.raise(ExcType::TypeError, "format requires a mapping"));
            };
            i += 1;
            let start = i;
            let mut depth = 1;
            while i < chars.len() {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if i >= chars.len() {
                return Err(ctx.raise(ExcType::ValueError, "incomplete format key"));
            }
            let key: String = chars[start..i].iter().collect();
            i += 1;
            arg = Some(ops::getitem(ctx, mapping, &Value::str(&key))?);
        }
        // Flags.
        let (mut left, mut plus, mut space, mut alt, mut zero) =
            (false, false, false, false, false);
        while i < chars.len() {
            match chars[i] {
                '-' => left = true,
                '+' => plus = true,
                ' ' => space = true,
                '#' => alt = true,
                '0' => zero = true,
                _ => break,
            }
            i += 1;
        }
        // Width.
        let mut width: i64 = -1;
        if i < chars.len() && chars[i] == '*' {
            i += 1;
            let w = args.next(ctx)?;
            let Some(w) = ops::as_int(&w) else {
                return Err(ctx.raise(ExcType::TypeError, "* wants int"));
            };
            if w < 0 {
                left = true;
            }
            width = w.abs();
        } else {
            while i < chars.len() && chars[i].is_ascii_digit() {
                width = width.max(0) * 10 + (chars[i] as i64 - '0' as i64);
                i += 1;
            }
        }
        // Precision.
        let mut prec: i64 = -1;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            prec = 0;
            if i < chars.len() && chars[i] == '*' {
                i += 1;
                let p = args.next(ctx)?;
                let Some(p) = ops::as_int(&p) else {
                    return Err(ctx.raise(ExcType::TypeError, "* wants int"));
                };
                prec = p.max(0);
            } else {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    prec = prec * 10 + (chars[i] as i64 - '0' as i64);
                    i += 1;
                }
            }
        }
        // Length modifiers, ignored as CPython does.
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        if i >= chars.len() {
            return Err(ctx.raise(ExcType::ValueError, "incomplete format"));
        }
        let ty = chars[i];
        let ty_index = i;
        i += 1;
        if ty == '%' {
            out.push('%');
            continue;
        }
        let v = match arg.take() {
            Some(v) => v,
            None => args.next(ctx)?,
        };
        let (body, numeric) = match ty {
            's' | 'r' | 'a' => {
                let mut s = match ty {
                    's' => ops::str(ctx, &v)?,
                    'r' => ops::repr(ctx, &v)?,
                    _ => ascii_escape(&ops::repr(ctx, &v)?),
                };
                if prec >= 0 {
                    s = s.chars().take(prec as usize).collect();
                }
                (s, false)
            }
            'd' | 'i' | 'u' => {
                let n = int_arg(ctx, &v, ty, true)?;
                (int_body(n, 10, false, alt, prec), true)
            }
            'o' | 'x' | 'X' => {
                let n = int_arg(ctx, &v, ty, false)?;
                let radix = if ty == 'o' { 8 } else { 16 };
                (int_body(n, radix, ty == 'X', alt, prec), true)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = float_arg(ctx, &v)?;
                let p = if prec < 0 { 6 } else { prec as i32 };
                let flags = FloatFlags {
                    alt,
                    ..FloatFlags::default()
                };
                (format_float_short(f, ty, p, flags), true)
            }
            'c' => {
                let c = match &v {
                    Value::Str(s) if ops::str_len(s) == 1 => s.to_string(),
                    Value::Int(_) | Value::Bool(_) => {
                        let n = ops::as_int(&v).unwrap_or(0);
                        match u32::try_from(n).ok().and_then(char::from_u32) {
                            Some(c) => c.to_string(),
                            None => {
                                return Err(ctx.raise(
                                    ExcType::OverflowError,
                                    "%c arg not in range(0x110000)",
                                ))
                            }
                        }
                    }
                    _ => return Err(ctx.raise(ExcType::TypeError, "%c requires int or char")),
                };
                (c, false)
            }
            other => {
                return Err(ctx.raise(
                    ExcType::ValueError,
                    &format!(
                        "unsupported format character '{other}' (0x{:x}) at index {ty_index}",
                        other as u32
                    ),
                ))
            }
        };
        // Sign, then padding.
        let (negative, digits) = match body.strip_prefix('-') {
            Some(rest) if numeric => (true, rest.to_string()),
            _ => (false, body),
        };
        let sign = if !numeric {
            ""
        } else if negative {
            "-"
        } else if plus {
            "+"
        } else if space {
            " "
        } else {
            ""
        };
        // The radix prefix stays in front of zero padding.
        let (prefix, digits) = if numeric && alt && matches!(ty, 'o' | 'x' | 'X') {
            (digits[..2].to_string(), digits[2..].to_string())
        } else {
            (String::new(), digits)
        };
        let len = sign.len() + prefix.len() + ops::str_len(&digits);
        let width = width.max(0) as usize;
        let pad = width.saturating_sub(len);
        if left {
            out.push_str(sign);
            out.push_str(&prefix);
            out.push_str(&digits);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if zero
            && numeric
            && !(digits.contains("inf")
                || digits.contains("nan")
                || digits.contains("INF")
                || digits.contains("NAN"))
        {
            out.push_str(sign);
            out.push_str(&prefix);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(&digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(sign);
            out.push_str(&prefix);
            out.push_str(&digits);
        }
    }
    if args.index < args.len && args.mapping.is_none() {
        return Err(ctx.raise(
            ExcType::TypeError,
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

/// An int for `%d` (floats truncate) or `%x` (ints only).
fn int_arg(ctx: &mut Ctx<'_>, v: &Value, ty: char, real_ok: bool) -> Result<i64, Flow> {
    match v {
        Value::Int(_) | Value::Bool(_) => Ok(ops::as_int(v).unwrap_or(0)),
        Value::Float(f) if real_ok => super::super::builtins::float_to_int(ctx, *f),
        Value::Instance(_) if ops::user_method(v, "__index__").is_some() => ops::index_of(ctx, v),
        Value::Instance(_) if real_ok && ops::user_method(v, "__int__").is_some() => {
            let r = ops::call_user(ctx, v, "__int__", vec![]).expect("found")?;
            ops::as_int(&r).ok_or_else(|| ctx.raise(ExcType::TypeError, "__int__ returned non-int"))
        }
        _ => {
            let t = ops::type_name(ctx, v);
            let what = if real_ok {
                "a real number"
            } else {
                "an integer"
            };
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("%{ty} format: {what} is required, not {t}"),
            ))
        }
    }
}

fn float_arg(ctx: &mut Ctx<'_>, v: &Value) -> Result<f64, Flow> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(_) | Value::Bool(_) => Ok(ops::as_int(v).unwrap_or(0) as f64),
        Value::Instance(_) if ops::user_method(v, "__float__").is_some() => {
            match ops::call_user(ctx, v, "__float__", vec![]).expect("found")? {
                Value::Float(f) => Ok(f),
                _ => Err(ctx.raise(ExcType::TypeError, "__float__ returned non-float")),
            }
        }
        _ => {
            let t = ops::type_name(ctx, v);
            Err(ctx.raise(ExcType::TypeError, &format!("must be real number, not {t}")))
        }
    }
}

/// The digits of an int for `%d %o %x %X`, with `-`, the `#` prefix and the precision's zeros.
fn int_body(n: i64, radix: u32, upper: bool, alt: bool, prec: i64) -> String {
    let a = n.unsigned_abs();
    let mut digits = match (radix, upper) {
        (8, _) => format!("{a:o}"),
        (16, false) => format!("{a:x}"),
        (16, true) => format!("{a:X}"),
        _ => a.to_string(),
    };
    if prec > digits.len() as i64 {
        digits = format!("{}{digits}", "0".repeat(prec as usize - digits.len()));
    }
    let prefix = match (radix, alt, upper) {
        (8, true, _) => "0o",
        (16, true, false) => "0x",
        (16, true, true) => "0X",
        _ => "",
    };
    format!("{}{prefix}{digits}", if n < 0 { "-" } else { "" })
}
