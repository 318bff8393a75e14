//! Methods of `str`. Indices are in characters (code points), as Python counts them.

use std::sync::Arc;

use super::super::ops;
use super::super::types::ExcType;
use super::super::value::{Flow, NativeFn, Value};
use super::super::Ctx;
use super::{arity, bind_args, no_kwargs, opt_index, receiver};

type Kw<'a> = &'a [(Arc<str>, Value)];

/// The `str` method called `name`.
pub(super) fn method(name: &str) -> Option<NativeFn> {
    Some(match name {
        "split" => split,
        "rsplit" => rsplit,
        "join" => join,
        "strip" => strip,
        "lstrip" => lstrip,
        "rstrip" => rstrip,
        "upper" => upper,
        "lower" => lower,
        "casefold" => lower,
        "title" => title,
        "capitalize" => capitalize,
        "swapcase" => swapcase,
        "startswith" => startswith,
        "endswith" => endswith,
        "find" => find,
        "rfind" => rfind,
        "index" => index,
        "rindex" => rindex,
        "count" => count,
        "replace" => replace,
        "format" => format,
        "isdigit" => isdigit,
        "isdecimal" => isdecimal,
        "isnumeric" => isnumeric,
        "isalpha" => isalpha,
        "isalnum" => isalnum,
        "isspace" => isspace,
        "isupper" => isupper,
        "islower" => islower,
        "istitle" => istitle,
        "isascii" => isascii,
        "isidentifier" => isidentifier,
        "isprintable" => isprintable,
        "zfill" => zfill,
        "center" => center,
        "ljust" => ljust,
        "rjust" => rjust,
        "splitlines" => splitlines,
        "partition" => partition,
        "rpartition" => rpartition,
        "removeprefix" => removeprefix,
        "removesuffix" => removesuffix,
        "expandtabs" => expandtabs,
        _ => return None,
    })
}

fn recv<'a>(ctx: &Ctx<'_>, args: &'a [Value], m: &str) -> Result<&'a Arc<str>, Flow> {
    match receiver(ctx, args, "str", m, |v| matches!(v, Value::Str(_)))? {
        Value::Str(s) => Ok(s),
        _ => unreachable!(),
    }
}

/// A string argument, or `TypeError: must be str, not int`.
fn str_arg(ctx: &Ctx<'_>, v: &Value, what: &str) -> Result<Arc<str>, Flow> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => {
            let t = ops::type_name(ctx, other);
            Err(ctx.raise(ExcType::TypeError, &format!("{what}must be str, not {t}")))
        }
    }
}

/// Is `c` whitespace as Python's `str.isspace` says?
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Char positions of a string: byte offsets of each character (and the end).
struct Text<'a> {
    s: &'a str,
    offsets: Option<Vec<usize>>,
}

impl<'a> Text<'a> {
    fn new(s: &'a str) -> Self {
        let offsets = (!s.is_ascii()).then(|| {
            let mut v: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
            v.push(s.len());
            v
        });
        Text { s, offsets }
    }
    fn len(&self) -> usize {
        match &self.offsets {
            None => self.s.len(),
            Some(v) => v.len() - 1,
        }
    }
    fn byte(&self, ci: usize) -> usize {
        match &self.offsets {
            None => ci,
            Some(v) => v[ci.min(v.len() - 1)],
        }
    }
    fn char_index(&self, bi: usize) -> usize {
        match &self.offsets {
            None => bi,
            Some(v) => v.partition_point(|&o| o < bi),
        }
    }
}

/// CPython's `ADJUST_INDICES`: negatives from the end, `end` clamped to the length (`start` may stay
/// past the end, which makes searches fail).
fn adjust(start: Option<i64>, end: Option<i64>, len: usize) -> (i64, i64) {
    let len = len as i64;
    let mut e = end.unwrap_or(len);
    if e > len {
        e = len;
    } else if e < 0 {
        e = (e + len).max(0);
    }
    let mut s = start.unwrap_or(0);
    if s < 0 {
        s = (s + len).max(0);
    }
    (s, e)
}

fn search_args(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
) -> Result<(Arc<str>, Arc<str>, i64, i64), Flow> {
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, name, args.len() - 1, 1, 3)?;
    let sub = str_arg(ctx, &args[1], "")?;
    let start = opt_index(ctx, args.get(2))?;
    let end = opt_index(ctx, args.get(3))?;
    let text = Text::new(&s);
    let (a, b) = adjust(start, end, text.len());
    Ok((s, sub, a, b))
}

/// Finds `sub` in `s[start:end]` (char indices), from the left or the right.
fn find_in(s: &str, sub: &str, start: i64, end: i64, right: bool) -> i64 {
    let text = Text::new(s);
    if start > text.len() as i64 || end - start < ops::str_len(sub) as i64 {
        return -1;
    }
    let (bs, be) = (text.byte(start as usize), text.byte(end as usize));
    let hay = &s[bs..be];
    let found = if right { hay.rfind(sub) } else { hay.find(sub) };
    match found {
        Some(b) => text.char_index(bs + b) as i64,
        None => -1,
    }
}

fn find(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let (s, sub, a, b) = search_args(ctx, args, kw, "find")?;
    Ok(Value::Int(find_in(&s, &sub, a, b, false)))
}

fn rfind(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let (s, sub, a, b) = search_args(ctx, args, kw, "rfind")?;
    Ok(Value::Int(find_in(&s, &sub, a, b, true)))
}

fn index(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let (s, sub, a, b) = search_args(ctx, args, kw, "index")?;
    match find_in(&s, &sub, a, b, false) {
        -1 => Err(ctx.raise(ExcType::ValueError, "substring not found")),
        i => Ok(Value::Int(i)),
    }
}

fn rindex(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let (s, sub, a, b) = search_args(ctx, args, kw, "rindex")?;
    match find_in(&s, &sub, a, b, true) {
        -1 => Err(ctx.raise(ExcType::ValueError, "substring not found")),
        i => Ok(Value::Int(i)),
    }
}

fn count(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let (s, sub, a, b) = search_args(ctx, args, kw, "count")?;
    let text = Text::new(&s);
    if a > text.len() as i64 || b < a {
        return Ok(Value::Int(0));
    }
    if sub.is_empty() {
        return Ok(Value::Int(b - a + 1));
    }
    let hay = &s[text.byte(a as usize)..text.byte(b as usize)];
    Ok(Value::Int(hay.matches(&*sub).count() as i64))
}

fn split_whitespace(s: &str, maxsplit: i64, right: bool) -> Vec<Value> {
    let mut out = Vec::new();
    if !right {
        let mut rest = s.trim_start_matches(is_space);
        while !rest.is_empty() {
            if maxsplit >= 0 && out.len() as i64 >= maxsplit {
                out.push(Value::str(rest));
                return out;
            }
            let end = rest.find(is_space).unwrap_or(rest.len());
            out.push(Value::str(&rest[..end]));
            rest = rest[end..].trim_start_matches(is_space);
        }
    } else {
        let mut rest = s.trim_end_matches(is_space);
        while !rest.is_empty() {
            if maxsplit >= 0 && out.len() as i64 >= maxsplit {
                out.push(Value::str(rest));
                break;
            }
            let start = rest
                .rfind(is_space)
                .map(|i| i + rest[i..].chars().next().map_or(1, char::len_utf8))
                .unwrap_or(0);
            out.push(Value::str(&rest[start..]));
            rest = rest[..start].trim_end_matches(is_space);
        }
        out.reverse();
    }
    out
}

fn split_impl(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>, right: bool) -> Result<Value, Flow> {
    let name = if right { "rsplit" } else { "split" };
    let s = recv(ctx, args, name)?.clone();
    let [sep, maxsplit] = bind_args(ctx, name, &args[1..], kw, ["sep", "maxsplit"], 0)?;
    let maxsplit = match maxsplit {
        None => -1,
        Some(v) => ops::index_of(ctx, &v)?,
    };
    let parts = match sep {
        None | Some(Value::None) => split_whitespace(&s, maxsplit, right),
        Some(sep) => {
            let sep = str_arg(ctx, &sep, "")?;
            if sep.is_empty() {
                return Err(ctx.raise(ExcType::ValueError, "empty separator"));
            }
            let n = if maxsplit < 0 {
                usize::MAX
            } else {
                maxsplit as usize + 1
            };
            if right {
                let mut v: Vec<Value> = s.rsplitn(n, &*sep).map(Value::str).collect();
                v.reverse();
                v
            } else {
                s.splitn(n, &*sep).map(Value::str).collect()
            }
        }
    };
    ops::charge_items(ctx, parts.len(), 16)?;
    Ok(Value::list(parts))
}

fn split(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    split_impl(ctx, args, kw, false)
}

fn rsplit(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    split_impl(ctx, args, kw, true)
}

fn join(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "join")?.clone();
    no_kwargs(ctx, "str.join", kw)?;
    arity(ctx, "str.join", args.len() - 1, 1, 1)?;
    let items = ops::iterate(ctx, &args[1])?;
    let mut total = s.len() * items.len().saturating_sub(1);
    for (n, item) in items.iter().enumerate() {
        match item {
            Value::Str(p) => total += p.len(),
            other => {
                let t = ops::type_name(ctx, other);
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("sequence item {n}: expected str instance, {t} found"),
                ));
            }
        }
    }
    ops::charge(ctx, total)?;
    let mut out = String::with_capacity(total);
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(&s);
        }
        if let Value::Str(p) = item {
            out.push_str(p);
        }
    }
    Ok(Value::str(&out))
}

fn strip_impl(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    left: bool,
    right: bool,
) -> Result<Value, Flow> {
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, name, args.len() - 1, 0, 1)?;
    let chars: Option<Vec<char>> = match args.get(1) {
        None | Some(Value::None) => None,
        Some(Value::Str(c)) => Some(c.chars().collect()),
        Some(other) => {
            let t = ops::type_name(ctx, other);
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("{name} arg must be None or str, not {t}"),
            ));
        }
    };
    let is_strip = |c: char| match &chars {
        None => is_space(c),
        Some(set) => set.contains(&c),
    };
    let mut r: &str = &s;
    if left {
        r = r.trim_start_matches(is_strip);
    }
    if right {
        r = r.trim_end_matches(is_strip);
    }
    if r.len() == s.len() {
        return Ok(args[0].clone());
    }
    Ok(Value::str(r))
}

fn strip(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    strip_impl(ctx, args, kw, "strip", true, true)
}

fn lstrip(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    strip_impl(ctx, args, kw, "lstrip", true, false)
}

fn rstrip(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    strip_impl(ctx, args, kw, "rstrip", false, true)
}

/// A method of no arguments mapping the string to a new string.
fn map_str(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    f: impl Fn(&str) -> String,
) -> Result<Value, Flow> {
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, &format!("str.{name}"), args.len() - 1, 0, 0)?;
    Ok(Value::str(&f(&s)))
}

fn upper(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    map_str(ctx, args, kw, "upper", str::to_uppercase)
}

fn lower(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    map_str(ctx, args, kw, "lower", str::to_lowercase)
}

fn is_cased(c: char) -> bool {
    c.is_uppercase() || c.is_lowercase()
}

fn title_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = is_cased(c);
    }
    out
}

fn title(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    map_str(ctx, args, kw, "title", title_str)
}

fn capitalize(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    map_str(ctx, args, kw, "capitalize", |s| {
        let mut chars = s.chars();
        match chars.next() {
            None => String::new(),
            Some(first) => {
                let mut out: String = first.to_uppercase().collect();
                out.push_str(&chars.as_str().to_lowercase());
                out
            }
        }
    })
}

fn swapcase(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    map_str(ctx, args, kw, "swapcase", |s| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else if c.is_lowercase() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    })
}

fn affix_impl(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    end_side: bool,
) -> Result<Value, Flow> {
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, name, args.len() - 1, 1, 3)?;
    let start = opt_index(ctx, args.get(2))?;
    let end = opt_index(ctx, args.get(3))?;
    let text = Text::new(&s);
    let (a, b) = adjust(start, end, text.len());
    let candidates: Vec<Arc<str>> = match &args[1] {
        Value::Str(p) => vec![p.clone()],
        Value::Tuple(t) => {
            let mut v = Vec::with_capacity(t.len());
            for x in t.iter() {
                match x {
                    Value::Str(p) => v.push(p.clone()),
                    other => {
                        let ty = ops::type_name(ctx, other);
                        return Err(ctx.raise(
                            ExcType::TypeError,
                            &format!("tuple for {name} must only contain str, not {ty}"),
                        ));
                    }
                }
            }
            v
        }
        other => {
            let ty = ops::type_name(ctx, other);
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("{name} first arg must be str or a tuple of str, not {ty}"),
            ));
        }
    };
    for p in candidates {
        let plen = ops::str_len(&p) as i64;
        if a > text.len() as i64 || b - a < plen {
            continue;
        }
        let hay = &s[text.byte(a as usize)..text.byte(b as usize)];
        let hit = if end_side {
            hay.ends_with(&*p)
        } else {
            hay.starts_with(&*p)
        };
        if hit {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn startswith(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    affix_impl(ctx, args, kw, "startswith", false)
}

fn endswith(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    affix_impl(ctx, args, kw, "endswith", true)
}

fn replace(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "replace")?.clone();
    no_kwargs(ctx, "replace", kw)?;
    arity(ctx, "replace", args.len() - 1, 2, 3)?;
    let old = str_arg(ctx, &args[1], "replace() argument 1 ")?;
    let new = str_arg(ctx, &args[2], "replace() argument 2 ")?;
    let n = match args.get(3) {
        None => -1,
        Some(v) => ops::index_of(ctx, v)?,
    };
    let occurrences = if old.is_empty() {
        ops::str_len(&s) + 1
    } else {
        s.matches(&*old).count()
    };
    let used = if n < 0 {
        occurrences
    } else {
        occurrences.min(n as usize)
    };
    ops::charge(ctx, s.len() + used.saturating_mul(new.len()))?;
    let out = if n < 0 {
        s.replace(&*old, &new)
    } else {
        s.replacen(&*old, &new, n as usize)
    };
    Ok(Value::str(&out))
}

fn format(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "format")?.clone();
    let out = super::super::format::str_format(ctx, &s, &args[1..], kw)?;
    Ok(Value::str(&out))
}

/// A predicate over the characters: `all` must hold for a non-empty string (or any string if
/// `empty_ok`).
fn pred(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    empty_ok: bool,
    f: impl Fn(char) -> bool,
) -> Result<Value, Flow> {
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, &format!("str.{name}"), args.len() - 1, 0, 0)?;
    Ok(Value::Bool((empty_ok || !s.is_empty()) && s.chars().all(f)))
}

fn is_decimal_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(c as u32, 0x660..=0x669 | 0x6F0..=0x6F9 | 0x966..=0x96F | 0xFF10..=0xFF19)
}

fn is_digit_char(c: char) -> bool {
    is_decimal_char(c) || matches!(c, '²' | '³' | '¹' | '⁰'..='⁹' | '₀'..='₉' | '①'..='⑨')
}

fn isdigit(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isdigit", false, is_digit_char)
}

fn isdecimal(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isdecimal", false, is_decimal_char)
}

fn isnumeric(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isnumeric", false, |c| c.is_numeric())
}

fn isalpha(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isalpha", false, char::is_alphabetic)
}

fn isalnum(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isalnum", false, |c| {
        c.is_alphabetic() || c.is_numeric()
    })
}

fn isspace(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isspace", false, is_space)
}

fn isascii(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isascii", true, |c| c.is_ascii())
}

fn isprintable(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    pred(ctx, args, kw, "isprintable", true, ops::is_printable)
}

fn isupper(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "isupper")?.clone();
    no_kwargs(ctx, "isupper", kw)?;
    Ok(Value::Bool(
        s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase),
    ))
}

fn islower(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "islower")?.clone();
    no_kwargs(ctx, "islower", kw)?;
    Ok(Value::Bool(
        s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase),
    ))
}

fn istitle(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "istitle")?.clone();
    no_kwargs(ctx, "istitle", kw)?;
    let mut cased = false;
    let mut prev_cased = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    Ok(Value::Bool(cased))
}

fn isidentifier(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "isidentifier")?.clone();
    no_kwargs(ctx, "isidentifier", kw)?;
    let mut chars = s.chars();
    let ok = match chars.next() {
        None => false,
        Some(c) => {
            (c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
        }
    };
    Ok(Value::Bool(ok))
}

fn width_arg(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    name: &str,
    min: usize,
    max: usize,
    kw: Kw<'_>,
) -> Result<(Arc<str>, i64), Flow> {
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, name, args.len() - 1, min, max)?;
    let w = ops::index_of(ctx, &args[1])?;
    ops::charge(ctx, w.max(0) as usize)?;
    Ok((s, w))
}

fn fill_arg(ctx: &Ctx<'_>, v: Option<&Value>, name: &str) -> Result<char, Flow> {
    match v {
        None => Ok(' '),
        Some(Value::Str(f)) => {
            let mut cs = f.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(ctx.raise(
                    ExcType::TypeError,
                    "The fill character must be exactly one character long",
                )),
            }
        }
        Some(other) => {
            let t = ops::type_name(ctx, other);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("{name}() argument 2 must be a unicode character, not {t}"),
            ))
        }
    }
}

fn zfill(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let (s, w) = width_arg(ctx, args, "zfill", 1, 1, kw)?;
    let len = ops::str_len(&s) as i64;
    if w <= len {
        return Ok(args[0].clone());
    }
    let pad = "0".repeat((w - len) as usize);
    let out = match s.chars().next() {
        Some(c @ ('+' | '-')) => format!("{c}{pad}{}", &s[1..]),
        _ => format!("{pad}{s}"),
    };
    Ok(Value::str(&out))
}

fn justify(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>, name: &str) -> Result<Value, Flow> {
    let (s, w) = width_arg(ctx, args, name, 1, 2, kw)?;
    let fill = fill_arg(ctx, args.get(2), name)?;
    let len = ops::str_len(&s) as i64;
    if w <= len {
        return Ok(args[0].clone());
    }
    let marg = w - len;
    let left = match name {
        "ljust" => 0,
        "rjust" => marg,
        // CPython's centering rounds the odd space to the left only when the width is odd.
        _ => marg / 2 + (marg & w & 1),
    };
    let right = marg - left;
    let mut out = String::with_capacity(s.len() + marg as usize);
    out.extend(std::iter::repeat_n(fill, left as usize));
    out.push_str(&s);
    out.extend(std::iter::repeat_n(fill, right as usize));
    Ok(Value::str(&out))
}

fn center(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    justify(ctx, args, kw, "center")
}

fn ljust(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    justify(ctx, args, kw, "ljust")
}

fn rjust(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    justify(ctx, args, kw, "rjust")
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn splitlines(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "splitlines")?.clone();
    let [keepends] = bind_args(ctx, "splitlines", &args[1..], kw, ["keepends"], 0)?;
    let keep = match keepends {
        None => false,
        Some(v) => ops::truthy(ctx, &v)?,
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_line_break(c) {
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(_, '\n')) = iter.peek() {
                    iter.next();
                    end += 1;
                }
            }
            out.push(Value::str(if keep { &s[start..end] } else { &s[start..i] }));
            start = end;
        }
    }
    if start < s.len() {
        out.push(Value::str(&s[start..]));
    }
    Ok(Value::list(out))
}

fn partition_impl(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    right: bool,
) -> Result<Value, Flow> {
    let name = if right { "rpartition" } else { "partition" };
    let s = recv(ctx, args, name)?.clone();
    no_kwargs(ctx, name, kw)?;
    arity(ctx, name, args.len() - 1, 1, 1)?;
    let sep = str_arg(ctx, &args[1], "")?;
    if sep.is_empty() {
        return Err(ctx.raise(ExcType::ValueError, "empty separator"));
    }
    let found = if right { s.rfind(&*sep) } else { s.find(&*sep) };
    let parts = match found {
        Some(i) => [&s[..i], &sep[..], &s[i + sep.len()..]],
        None if right => ["", "", &s[..]],
        None => [&s[..], "", ""],
    };
    Ok(Value::tuple(parts.iter().map(|p| Value::str(p)).collect()))
}

fn partition(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    partition_impl(ctx, args, kw, false)
}

fn rpartition(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    partition_impl(ctx, args, kw, true)
}

fn removeprefix(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "removeprefix")?.clone();
    no_kwargs(ctx, "removeprefix", kw)?;
    arity(ctx, "removeprefix", args.len() - 1, 1, 1)?;
    let p = str_arg(ctx, &args[1], "removeprefix() argument ")?;
    Ok(match s.strip_prefix(&*p) {
        Some(r) if !p.is_empty() => Value::str(r),
        _ => args[0].clone(),
    })
}

fn removesuffix(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "removesuffix")?.clone();
    no_kwargs(ctx, "removesuffix", kw)?;
    arity(ctx, "removesuffix", args.len() - 1, 1, 1)?;
    let p = str_arg(ctx, &args[1], "removesuffix() argument ")?;
    Ok(match s.strip_suffix(&*p) {
        Some(r) if !p.is_empty() => Value::str(r),
        _ => args[0].clone(),
    })
}

fn expandtabs(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = recv(ctx, args, "expandtabs")?.clone();
    let [tabsize] = bind_args(ctx, "expandtabs", &args[1..], kw, ["tabsize"], 0)?;
    let tab = match tabsize {
        None => 8,
        Some(v) => ops::index_of(ctx, &v)?,
    };
    let mut out = String::with_capacity(s.len());
    let mut col: i64 = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                if tab > 0 {
                    let n = tab - col % tab;
                    ops::charge(ctx, out.len() + n as usize)?;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(Value::str(&out))
}
