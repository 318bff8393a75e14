//! `str.format`: replacement fields `{}`, `{0}`, `{name}`, `{0.attr}`, `{0[key]}`, conversions `!r`, and
//! nested specs `{:{width}}`, with CPython's errors.

use std::sync::Arc;

use super::super::ops;
use super::super::types::ExcType;
use super::super::value::{Flow, Value};
use super::super::Ctx;
use super::{convert, format_spec};

/// Automatic (`{}`) or manual (`{0}`) numbering, which can't be mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Unknown,
    Auto(usize),
    Manual,
}

struct State<'a> {
    args: &'a [Value],
    kwargs: &'a [(Arc<str>, Value)],
    numbering: Numbering,
}

/// `template.format(*args, **kwargs)`.
pub fn str_format(
    ctx: &mut Ctx<'_>,
    template: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<String, Flow> {
    let mut st = State {
        args,
        kwargs,
        numbering: Numbering::Unknown,
    };
    render(ctx, template, &mut st, 2)
}

fn verr(ctx: &Ctx<'_>, msg: &str) -> Flow {
    ctx.raise(ExcType::ValueError, msg)
}

fn render(
    ctx: &mut Ctx<'_>,
    template: &str,
    st: &mut State<'_>,
    depth: u32,
) -> Result<String, Flow> {
    if depth == 0 {
        return Err(verr(ctx, "Max string recursion exceeded"));
    }
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::with_capacity(template.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '{' && c != '}' {
            out.push(c);
            continue;
        }
        let at_end = i >= chars.len();
        if c == '}' {
            if at_end || chars[i] != '}' {
                return Err(verr(ctx, "Single '}' encountered in format string"));
            }
            out.push('}');
            i += 1;
            continue;
        }
        if at_end {
            return Err(verr(ctx, "Single '{' encountered in format string"));
        }
        if chars[i] == '{' {
            out.push('{');
            i += 1;
            continue;
        }
        // A replacement field: up to the matching '}'.
        let start = i;
        let mut count = 1;
        let mut needs_expanding = false;
        let mut end = None;
        while i < chars.len() {
            match chars[i] {
                '{' => {
                    needs_expanding = true;
                    count += 1;
                }
                '}' => {
                    count -= 1;
                    if count == 0 {
                        end = Some(i);
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let Some(end) = end else {
            return Err(verr(ctx, "expected '}' before end of string"));
        };
        let field: String = chars[start..end].iter().collect();
        let text = render_field(ctx, &field, needs_expanding, st, depth)?;
        out.push_str(&text);
    }
    Ok(out)
}

fn render_field(
    ctx: &mut Ctx<'_>,
    field: &str,
    needs_expanding: bool,
    st: &mut State<'_>,
    depth: u32,
) -> Result<String, Flow> {
    // Split `name!conv:spec`: the name ends at ':' or '!' outside brackets.
    let chars: Vec<char> = field.chars().collect();
    let mut k = 0;
    let mut stop = None;
    while k < chars.len() {
        match chars[k] {
            '[' => {
                while k < chars.len() && chars[k] != ']' {
                    k += 1;
                }
            }
            '{' => return Err(verr(ctx, "unexpected '{' in field name")),
            ':' | '!' => {
                stop = Some(chars[k]);
                break;
            }
            _ => {}
        }
        k += 1;
    }
    let name: String = chars[..k.min(chars.len())].iter().collect();
    let mut conversion = 0u8;
    let mut spec = String::new();
    if let Some(sep) = stop {
        let mut rest = k + 1;
        if sep == '!' {
            if rest >= chars.len() {
                return Err(verr(
                    ctx,
                    "end of string while looking for conversion specifier",
                ));
            }
            conversion = match chars[rest] {
                's' => crate::python::bytecode::CONV_STR,
                'r' => crate::python::bytecode::CONV_REPR,
                'a' => crate::python::bytecode::CONV_ASCII,
                other => return Err(verr(ctx, &format!("Unknown conversion specifier {other}"))),
            };
            rest += 1;
            if rest < chars.len() {
                if chars[rest] != ':' {
                    return Err(verr(ctx, "expected ':' after conversion specifier"));
                }
                rest += 1;
            }
        }
        spec = chars[rest.min(chars.len())..].iter().collect();
    }
    let obj = resolve(ctx, &name, st)?;
    let obj = convert(ctx, &obj, conversion)?;
    let spec = if needs_expanding {
        render(ctx, &spec, st, depth - 1)?
    } else {
        spec
    };
    format_spec(ctx, &obj, &spec)
}

/// Finds the object a field name names: an argument, then `.attr` and `[key]` parts.
fn resolve(ctx: &mut Ctx<'_>, name: &str, st: &mut State<'_>) -> Result<Value, Flow> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let first = &name[..first_end];
    let mut obj = if first.is_empty() {
        let n =
            match st.numbering {
                Numbering::Manual => return Err(verr(
                    ctx,
                    "cannot switch from manual field specification to automatic field numbering",
                )),
                Numbering::Unknown => 0,
                Numbering::Auto(n) => n,
            };
        st.numbering = Numbering::Auto(n + 1);
        positional(ctx, st, n)?
    } else if let Ok(n) = first.parse::<usize>() {
        if let Numbering::Auto(_) = st.numbering {
            return Err(verr(
                ctx,
                "cannot switch from automatic field numbering to manual field specification",
            ));
        }
        st.numbering = Numbering::Manual;
        positional(ctx, st, n)?
    } else {
        match st.kwargs.iter().find(|(k, _)| &**k == first) {
            Some((_, v)) => v.clone(),
            None => {
                return Err(ops::raise_args(
                    ctx,
                    ExcType::KeyError,
                    vec![Value::str(first)],
                ))
            }
        }
    };
    let rest: Vec<char> = name[first_end..].chars().collect();
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            '.' => {
                i += 1;
                let start = i;
                while i < rest.len() && rest[i] != '.' && rest[i] != '[' {
                    i += 1;
                }
                let attr: String = rest[start..i].iter().collect();
                if attr.is_empty() {
                    return Err(verr(ctx, "Empty attribute in format string"));
                }
                obj = ops::getattr(ctx, &obj, &attr)?;
            }
            '[' => {
                i += 1;
                let start = i;
                while i < rest.len() && rest[i] != ']' {
                    i += 1;
                }
                if i >= rest.len() {
                    return Err(verr(ctx, "Missing ']' in format string"));
                }
                let key: String = rest[start..i].iter().collect();
                i += 1;
                if key.is_empty() {
                    return Err(verr(ctx, "Empty attribute in format string"));
                }
                let key = match key.parse::<i64>() {
                    Ok(n) if key.bytes().all(|b| b.is_ascii_digit()) => Value::Int(n),
                    _ => Value::str(&key),
                };
                obj = ops::getitem(ctx, &obj, &key)?;
                if i < rest.len() && rest[i] != '.' && rest[i] != '[' {
                    return Err(verr(
                        ctx,
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
            }
            _ => {
                return Err(verr(
                    ctx,
                    "Only '.' or '[' may follow ']' in format field specifier",
                ))
            }
        }
    }
    Ok(obj)
}

fn positional(ctx: &Ctx<'_>, st: &State<'_>, n: usize) -> Result<Value, Flow> {
    st.args.get(n).cloned().ok_or_else(|| {
        ctx.raise(
            ExcType::IndexError,
            &format!("Replacement index {n} out of range for positional args tuple"),
        )
    })
}
