//! Scopes: which names of each module, function, lambda, comprehension and class body are local, global, cells or free, decided as CPython's `symtable.c` decides.
//!
//! Two passes, as in CPython. The first walks the tree and records, per scope, how each name is used
//! (assigned, a parameter, read, declared `global`/`nonlocal`). The second resolves every name top-down:
//! a name bound in a scope is local there; a name only read is free if an enclosing *function* binds it
//! (class bodies are skipped: their names are not visible to their methods) and global otherwise; a local
//! that an inner scope reads becomes a cell. A class body whose methods name `super` (or `__class__`)
//! gets the implicit `__class__` cell. Private names (`__x` inside a class) are mangled to `_Class__x`.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::ast::{self, Arguments, Comprehension, Expr, ExprKind, Stmt, StmtKind};
use super::SyntaxError;

/// Index of a scope in [`SymbolTable::scopes`]; the module is 0.
pub type ScopeId = usize;

const DEF_GLOBAL: u16 = 1;
const DEF_LOCAL: u16 = 1 << 1;
const DEF_PARAM: u16 = 1 << 2;
const DEF_NONLOCAL: u16 = 1 << 3;
const USE: u16 = 1 << 4;
const DEF_FREE_CLASS: u16 = 1 << 5;
const DEF_IMPORT: u16 = 1 << 6;
const DEF_ANNOT: u16 = 1 << 7;
const DEF_BOUND: u16 = DEF_LOCAL | DEF_PARAM | DEF_IMPORT;

/// What kind of code a scope compiles to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// The module.
    Module,
    /// A `def` or `async def`.
    Function,
    /// A `lambda`.
    Lambda,
    /// A list/set/dict comprehension or a generator expression.
    Comprehension,
    /// A class body.
    Class,
}

impl ScopeKind {
    /// Functions, lambdas and comprehensions: scopes with fast locals (CPython's `FunctionBlock`).
    #[optimize(size)]
    pub fn is_function_like(self) -> bool {
        matches!(
            self,
            ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Comprehension
        )
    }
}

/// Where a name lives, as the compiler needs to know to pick its load/store instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameScope {
    /// Bound in this scope and not captured: a fast slot in a function, a namespace entry in a class.
    Local,
    /// Bound in this function and read by an inner scope: a cell.
    Cell,
    /// Bound in an enclosing function (or declared `nonlocal`): taken from the closure.
    Free,
    /// Declared `global` here.
    GlobalExplicit,
    /// Not bound anywhere visible: a module global or a builtin.
    GlobalImplicit,
}

/// One name of a scope: how it is used there, and where it resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol {
    flags: u16,
    /// Where the name lives.
    pub scope: NameScope,
}

impl Symbol {
    /// The name is a parameter of this scope.
    #[optimize(size)]
    pub fn is_param(&self) -> bool {
        self.flags & DEF_PARAM != 0
    }

    /// The name is bound in this scope (assigned, imported, a parameter, a `def`/`class` name, ...).
    #[optimize(size)]
    pub fn is_bound(&self) -> bool {
        self.flags & DEF_BOUND != 0
    }

    /// The name is read in this scope.
    #[optimize(size)]
    pub fn is_used(&self) -> bool {
        self.flags & USE != 0
    }

    /// A class-body name that is also a free variable of one of its methods: the class keeps it both in
    /// its namespace and in its closure (to pass the enclosing function's cell on to the method).
    #[optimize(size)]
    pub fn is_free_class(&self) -> bool {
        self.flags & DEF_FREE_CLASS != 0
    }
}

/// One scope: the module, a function, a lambda, a comprehension or a class body.
#[derive(Debug, Clone)]
pub struct Scope {
    /// What it is.
    pub kind: ScopeKind,
    /// Its name: `top` for the module, the function or class name, `<lambda>`, `<listcomp>`, ...
    pub name: String,
    /// 1-based line of the construct that opens it.
    pub line: u32,
    /// 1-based column of the construct that opens it.
    pub col: u32,
    /// Every name the scope mentions (mangled), in order of first mention.
    pub symbols: IndexMap<String, Symbol>,
    /// The parameters (mangled) in code order: positional-only and positional, keyword-only, `*args`,
    /// `**kwargs`. A comprehension has the one parameter `.0`.
    pub params: Vec<String>,
    /// The scopes opened directly inside this one, in source order.
    pub children: Vec<ScopeId>,
    /// The enclosing scope (`None` for the module).
    pub parent: Option<ScopeId>,
    /// The body contains `yield` / `yield from` (or it is a generator expression).
    pub is_generator: bool,
    /// An `async def`, or a list/set/dict comprehension that awaits (it is then run as a coroutine).
    pub is_coroutine: bool,
    /// An `async def`.
    pub is_async_def: bool,
    /// The scope contains `await` (directly, or through an awaiting comprehension).
    pub has_await: bool,
    /// A class body one of whose methods uses zero-argument `super()` or `__class__`: it needs the
    /// `__class__` cell.
    pub needs_class_closure: bool,
    /// The class name private names are mangled with here (the innermost enclosing class).
    pub private: Option<String>,
    /// The scope has free variables.
    pub has_free: bool,
    /// Some scope nested in this one has free variables.
    pub child_free: bool,
    /// Where each `global`/`nonlocal` declaration of a name is, for errors.
    directives: HashMap<String, (u32, u32)>,
}

impl Scope {
    #[optimize(size)]
    fn new(
        kind: ScopeKind,
        name: &str,
        line: u32,
        col: u32,
        parent: Option<ScopeId>,
        private: Option<String>,
    ) -> Scope {
        Scope {
            kind,
            name: name.to_string(),
            line,
            col,
            symbols: IndexMap::new(),
            params: Vec::new(),
            children: Vec::new(),
            parent,
            is_generator: false,
            is_coroutine: false,
            is_async_def: false,
            has_await: false,
            needs_class_closure: false,
            private,
            has_free: false,
            child_free: false,
            directives: HashMap::new(),
        }
    }

    /// Where the (already mangled) `name` lives in this scope; a name the scope never mentions is global.
    #[optimize(size)]
    pub fn lookup(&self, name: &str) -> NameScope {
        self.symbols
            .get(name)
            .map_or(NameScope::GlobalImplicit, |s| s.scope)
    }

    /// The symbol of the (already mangled) `name`, if the scope mentions it.
    #[optimize(size)]
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.get(name)
    }

    /// The cell variables, sorted as CPython sorts them: for a class body only `__class__` (when a method
    /// needs it); for a function, its locals captured by inner scopes.
    #[optimize(size)]
    pub fn cellvars(&self) -> Vec<String> {
        if self.kind == ScopeKind::Class {
            return if self.needs_class_closure {
                vec!["__class__".to_string()]
            } else {
                Vec::new()
            };
        }
        let mut cells: Vec<String> = self
            .symbols
            .iter()
            .filter(|(_, s)| s.scope == NameScope::Cell)
            .map(|(n, _)| n.clone())
            .collect();
        cells.sort();
        cells
    }

    /// The free variables, sorted: names taken from enclosing functions' cells (for a class body, also
    /// the names it binds itself that a method captures from outside).
    #[optimize(size)]
    pub fn freevars(&self) -> Vec<String> {
        let mut free: Vec<String> = self
            .symbols
            .iter()
            .filter(|(_, s)| {
                s.scope == NameScope::Free || (self.kind == ScopeKind::Class && s.is_free_class())
            })
            .map(|(n, _)| n.clone())
            .collect();
        free.sort();
        free
    }

    /// Names that resolved `Local` (fast locals of a function, namespace names of a class), parameters
    /// first, then in order of first mention.
    #[optimize(size)]
    pub fn locals(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .params
            .iter()
            .filter(|p| self.lookup(p) == NameScope::Local)
            .cloned()
            .collect();
        for (name, sym) in &self.symbols {
            if sym.scope == NameScope::Local && !sym.is_param() {
                out.push(name.clone());
            }
        }
        out
    }
}

/// The scopes of a module, and which syntax node opened each.
#[derive(Debug, Clone)]
pub struct SymbolTable {
    /// All scopes; index 0 is the module.
    pub scopes: Vec<Scope>,
    /// Address of the `Stmt` (def, class) or `Expr` (lambda, comprehension) that opened each scope.
    nodes: HashMap<usize, ScopeId>,
}

/// Mangles a private name as CPython does: inside class `_Ham`, `__spam` becomes `_Ham__spam`. Dunder
/// names (`__init__`) and dotted names (imports) are left alone, and so is everything outside a class.
#[optimize(size)]
pub fn mangle<'n>(private: Option<&str>, name: &'n str) -> std::borrow::Cow<'n, str> {
    use std::borrow::Cow;
    let Some(class) = private else {
        return Cow::Borrowed(name);
    };
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return Cow::Borrowed(name);
    }
    let stripped = class.trim_start_matches('_');
    if stripped.is_empty() {
        return Cow::Borrowed(name);
    }
    Cow::Owned(format!("_{stripped}{name}"))
}

#[optimize(size)]
fn node_key<T>(node: &T) -> usize {
    node as *const T as usize
}

impl SymbolTable {
    /// Analyses a module: every scope with every name resolved, or the first scope error (a
    /// `nonlocal` without a binding, a name used before its `global` declaration, ...).
    #[optimize(size)]
    pub fn build(module: &ast::Module) -> Result<SymbolTable, SyntaxError> {
        let mut b = Builder {
            table: SymbolTable {
                scopes: vec![Scope::new(ScopeKind::Module, "top", 1, 1, None, None)],
                nodes: HashMap::new(),
            },
            cur: 0,
        };
        for s in &module.body {
            b.visit_stmt(s)?;
        }
        let mut table = b.table;
        table.analyze_block(0, None, HashSet::new())?;
        Ok(table)
    }

    /// The module's scope.
    #[optimize(size)]
    pub fn top(&self) -> &Scope {
        &self.scopes[0]
    }

    /// The scope with this id.
    #[optimize(size)]
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id]
    }

    /// The scope opened by this `def` or `class` statement (the very node the table was built from).
    #[optimize(size)]
    pub fn scope_of_stmt(&self, s: &Stmt) -> Option<ScopeId> {
        self.nodes.get(&node_key(s)).copied()
    }

    /// The scope opened by this lambda or comprehension expression (the very node the table was built from).
    #[optimize(size)]
    pub fn scope_of_expr(&self, e: &Expr) -> Option<ScopeId> {
        self.nodes.get(&node_key(e)).copied()
    }

    /// The second pass (CPython's `analyze_block`): resolves the names of scope `id` given the names
    /// `bound` by enclosing functions (`None` at module level) and those declared `global` above; returns
    /// the free variables of this scope and its children that enclosing scopes must provide.
    #[optimize(size)]
    fn analyze_block(
        &mut self,
        id: ScopeId,
        mut bound: Option<HashSet<String>>,
        mut global: HashSet<String>,
    ) -> Result<HashSet<String>, SyntaxError> {
        let kind = self.scopes[id].kind;
        let mut local: HashSet<String> = HashSet::new();
        let mut free: HashSet<String> = HashSet::new();
        let mut scopes: HashMap<String, NameScope> = HashMap::new();
        let mut newglobal: HashSet<String> = HashSet::new();
        let mut newbound: HashSet<String> = HashSet::new();

        // A class namespace is invisible to the functions nested in it: they see what the class sees.
        if kind == ScopeKind::Class {
            newglobal.extend(global.iter().cloned());
            if let Some(b) = &bound {
                newbound.extend(b.iter().cloned());
            }
        }

        let names: Vec<(String, u16)> = self.scopes[id]
            .symbols
            .iter()
            .map(|(n, s)| (n.clone(), s.flags))
            .collect();
        for (name, flags) in names {
            let sc = if flags & DEF_GLOBAL != 0 {
                if flags & DEF_NONLOCAL != 0 {
                    return Err(self.directive_error(
                        id,
                        &name,
                        format!("name '{name}' is nonlocal and global"),
                    ));
                }
                global.insert(name.clone());
                if let Some(b) = bound.as_mut() {
                    b.remove(&name);
                }
                NameScope::GlobalExplicit
            } else if flags & DEF_NONLOCAL != 0 {
                match &bound {
                    None => {
                        return Err(self.directive_error(
                            id,
                            &name,
                            "nonlocal declaration not allowed at module level".to_string(),
                        ))
                    }
                    Some(b) if !b.contains(&name) => {
                        return Err(self.directive_error(
                            id,
                            &name,
                            format!(
                                "no binding for nonlocal '{name}' found (nonlocal names a variable of an \
                                 enclosing function; for a module-level variable use 'global {name}')"
                            ),
                        ))
                    }
                    Some(_) => {}
                }
                self.scopes[id].has_free = true;
                free.insert(name.clone());
                NameScope::Free
            } else if flags & DEF_BOUND != 0 {
                local.insert(name.clone());
                global.remove(&name);
                NameScope::Local
            } else if bound.as_ref().is_some_and(|b| b.contains(&name)) {
                self.scopes[id].has_free = true;
                free.insert(name.clone());
                NameScope::Free
            } else {
                NameScope::GlobalImplicit
            };
            scopes.insert(name, sc);
        }

        if kind != ScopeKind::Class {
            if kind.is_function_like() {
                newbound.extend(local.iter().cloned());
            }
            if let Some(b) = &bound {
                newbound.extend(b.iter().cloned());
            }
            newglobal.extend(global.iter().cloned());
        } else {
            // Methods see `__class__` as bound by the class (the implicit cell).
            newbound.insert("__class__".to_string());
        }

        let mut newfree: HashSet<String> = HashSet::new();
        let children = self.scopes[id].children.clone();
        for child in children {
            let child_free =
                self.analyze_block(child, Some(newbound.clone()), newglobal.clone())?;
            newfree.extend(child_free);
            if self.scopes[child].has_free || self.scopes[child].child_free {
                self.scopes[id].child_free = true;
            }
        }

        if kind.is_function_like() {
            // Locals that inner scopes read become cells.
            for (name, sc) in scopes.iter_mut() {
                if *sc == NameScope::Local && newfree.remove(name) {
                    *sc = NameScope::Cell;
                }
            }
        } else if kind == ScopeKind::Class && newfree.remove("__class__") {
            self.scopes[id].needs_class_closure = true;
        }

        // Record the results (CPython's update_symbols).
        let scope = &mut self.scopes[id];
        for (name, sym) in scope.symbols.iter_mut() {
            sym.scope = scopes[name];
        }
        let mut passing: Vec<&String> = newfree.iter().collect();
        passing.sort();
        for name in passing {
            if let Some(sym) = scope.symbols.get_mut(name) {
                // A method's free variable that the class body also binds (or declares global).
                if kind == ScopeKind::Class && sym.flags & (DEF_BOUND | DEF_GLOBAL) != 0 {
                    sym.flags |= DEF_FREE_CLASS;
                }
                continue;
            }
            if bound.as_ref().is_some_and(|b| !b.contains(name)) {
                continue; // a global
            }
            // A free variable of an inner scope passes through this one.
            scope.symbols.insert(
                name.clone(),
                Symbol {
                    flags: 0,
                    scope: NameScope::Free,
                },
            );
        }
        free.extend(newfree);
        Ok(free)
    }

    #[optimize(size)]
    fn directive_error(&self, id: ScopeId, name: &str, message: String) -> SyntaxError {
        let scope = &self.scopes[id];
        let (line, column) = scope
            .directives
            .get(name)
            .copied()
            .unwrap_or((scope.line, scope.col));
        SyntaxError {
            line,
            column,
            message,
        }
    }
}

/// The first pass: records how every scope uses its names.
struct Builder {
    table: SymbolTable,
    cur: ScopeId,
}

#[optimize(size)]
fn err(line: u32, column: u32, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        line,
        column,
        message: message.into(),
    }
}

impl Builder {
    #[optimize(size)]
    fn scope(&mut self) -> &mut Scope {
        &mut self.table.scopes[self.cur]
    }

    #[optimize(size)]
    fn enter(&mut self, kind: ScopeKind, name: &str, key: usize, line: u32, col: u32) -> ScopeId {
        let private = self.table.scopes[self.cur].private.clone();
        let id = self.table.scopes.len();
        self.table
            .scopes
            .push(Scope::new(kind, name, line, col, Some(self.cur), private));
        self.table.scopes[self.cur].children.push(id);
        self.table.nodes.insert(key, id);
        self.cur = id;
        id
    }

    #[optimize(size)]
    fn exit(&mut self) {
        self.cur = self.table.scopes[self.cur].parent.unwrap_or(0);
    }

    #[optimize(size)]
    fn mangled(&self, name: &str) -> String {
        mangle(self.table.scopes[self.cur].private.as_deref(), name).into_owned()
    }

    /// Records a use of `name` with `flag`; `(line, col)` locates errors.
    #[optimize(size)]
    fn add_def(&mut self, name: &str, flag: u16, line: u32, col: u32) -> Result<(), SyntaxError> {
        let name = self.mangled(name);
        let scope = self.scope();
        let sym = scope.symbols.entry(name.clone()).or_insert(Symbol {
            flags: 0,
            scope: NameScope::GlobalImplicit,
        });
        if flag & DEF_PARAM != 0 {
            if sym.flags & DEF_PARAM != 0 {
                return Err(err(
                    line,
                    col,
                    format!("duplicate argument '{name}' in function definition"),
                ));
            }
            sym.flags |= flag;
            scope.params.push(name);
        } else {
            sym.flags |= flag;
        }
        Ok(())
    }

    #[optimize(size)]
    fn visit_stmts(&mut self, body: &[Stmt]) -> Result<(), SyntaxError> {
        body.iter().try_for_each(|s| self.visit_stmt(s))
    }

    #[optimize(size)]
    fn visit_exprs(&mut self, exprs: &[Expr]) -> Result<(), SyntaxError> {
        exprs.iter().try_for_each(|e| self.visit_expr(e))
    }

    #[optimize(size)]
    fn visit_stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        match &s.kind {
            StmtKind::FunctionDef {
                name,
                args,
                body,
                decorator_list,
                is_async,
            } => {
                self.add_def(name, DEF_LOCAL, s.line, s.col)?;
                self.visit_defaults(args)?;
                self.visit_exprs(decorator_list)?;
                self.enter(ScopeKind::Function, name, node_key(s), s.line, s.col);
                if *is_async {
                    let scope = self.scope();
                    scope.is_async_def = true;
                    scope.is_coroutine = true;
                }
                self.visit_params(args)?;
                self.visit_stmts(body)?;
                self.exit();
            }
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorator_list,
            } => {
                self.add_def(name, DEF_LOCAL, s.line, s.col)?;
                self.visit_exprs(bases)?;
                for k in keywords {
                    self.visit_expr(&k.value)?;
                }
                self.visit_exprs(decorator_list)?;
                self.enter(ScopeKind::Class, name, node_key(s), s.line, s.col);
                self.scope().private = Some(name.clone());
                self.visit_stmts(body)?;
                self.exit();
            }
            StmtKind::Return { value } => {
                if let Some(v) = value {
                    self.visit_expr(v)?;
                }
            }
            StmtKind::Delete { targets } => {
                for t in targets {
                    self.visit_target(t)?;
                }
            }
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    self.visit_target(t)?;
                }
                self.visit_expr(value)?;
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.visit_target(target)?;
                self.visit_expr(value)?;
            }
            StmtKind::AnnAssign {
                target,
                value,
                simple,
                ..
            } => {
                if let ExprKind::Name { id } = &target.kind {
                    let cur = self.table.scopes[self.cur]
                        .symbols
                        .get(&self.mangled(id))
                        .map_or(0, |s| s.flags);
                    if *simple && cur & (DEF_GLOBAL | DEF_NONLOCAL) != 0 {
                        let what = if cur & DEF_GLOBAL != 0 {
                            "global"
                        } else {
                            "nonlocal"
                        };
                        return Err(err(
                            s.line,
                            s.col,
                            format!("annotated name '{id}' can't be {what}"),
                        ));
                    }
                    self.add_def(id, DEF_LOCAL | DEF_ANNOT, target.line, target.col)?;
                } else {
                    self.visit_target(target)?;
                }
                // The annotation is never evaluated by ThreadLab, so its names are not uses.
                if let Some(v) = value {
                    self.visit_expr(v)?;
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                ..
            } => {
                self.visit_target(target)?;
                self.visit_expr(iter)?;
                self.visit_stmts(body)?;
                self.visit_stmts(orelse)?;
            }
            StmtKind::While { test, body, orelse } | StmtKind::If { test, body, orelse } => {
                self.visit_expr(test)?;
                self.visit_stmts(body)?;
                self.visit_stmts(orelse)?;
            }
            StmtKind::With { items, body, .. } => {
                for item in items {
                    self.visit_expr(&item.context_expr)?;
                    if let Some(v) = &item.optional_vars {
                        self.visit_target(v)?;
                    }
                }
                self.visit_stmts(body)?;
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.visit_expr(e)?;
                }
                if let Some(c) = cause {
                    self.visit_expr(c)?;
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.visit_stmts(body)?;
                for h in handlers {
                    if let Some(t) = &h.type_ {
                        self.visit_expr(t)?;
                    }
                    if let Some(n) = &h.name {
                        self.add_def(n, DEF_LOCAL, h.line, h.col)?;
                    }
                    self.visit_stmts(&h.body)?;
                }
                self.visit_stmts(orelse)?;
                self.visit_stmts(finalbody)?;
            }
            StmtKind::Assert { test, msg } => {
                self.visit_expr(test)?;
                if let Some(m) = msg {
                    self.visit_expr(m)?;
                }
            }
            StmtKind::Import { names } => {
                for a in names {
                    let stored = match &a.asname {
                        Some(n) => n.as_str(),
                        None => a.name.split('.').next().unwrap_or(&a.name),
                    };
                    self.add_def(stored, DEF_IMPORT, a.line, a.col)?;
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if a.name == "*" {
                        continue;
                    }
                    self.add_def(
                        a.asname.as_deref().unwrap_or(&a.name),
                        DEF_IMPORT,
                        a.line,
                        a.col,
                    )?;
                }
            }
            StmtKind::Global { names } => self.visit_directive(s, names, DEF_GLOBAL)?,
            StmtKind::Nonlocal { names } => self.visit_directive(s, names, DEF_NONLOCAL)?,
            StmtKind::Expr { value } => self.visit_expr(value)?,
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
        }
        Ok(())
    }

    /// `global` / `nonlocal`: refused after a use or binding of the name in the same scope, as CPython does.
    #[optimize(size)]
    fn visit_directive(
        &mut self,
        s: &Stmt,
        names: &[String],
        flag: u16,
    ) -> Result<(), SyntaxError> {
        let what = if flag == DEF_GLOBAL {
            "global"
        } else {
            "nonlocal"
        };
        if flag == DEF_NONLOCAL && self.table.scopes[self.cur].kind == ScopeKind::Module {
            return Err(err(
                s.line,
                s.col,
                "nonlocal declaration not allowed at module level",
            ));
        }
        for name in names {
            let mangled = self.mangled(name);
            let cur = self.table.scopes[self.cur]
                .symbols
                .get(&mangled)
                .map_or(0, |sym| sym.flags);
            if cur & (DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT) != 0 {
                let message = if cur & DEF_PARAM != 0 {
                    format!("name '{name}' is parameter and {what}")
                } else if cur & USE != 0 {
                    format!(
                        "name '{name}' is used prior to {what} declaration (put '{what} {name}' at the top \
                         of the function, before any use of '{name}')"
                    )
                } else if cur & DEF_ANNOT != 0 {
                    format!("annotated name '{name}' can't be {what}")
                } else {
                    format!(
                        "name '{name}' is assigned to before {what} declaration (put '{what} {name}' at \
                         the top of the function, before any assignment to '{name}')"
                    )
                };
                return Err(err(s.line, s.col, message));
            }
            self.add_def(name, flag, s.line, s.col)?;
            self.scope()
                .directives
                .entry(mangled)
                .or_insert((s.line, s.col));
        }
        Ok(())
    }

    #[optimize(size)]
    fn visit_defaults(&mut self, args: &Arguments) -> Result<(), SyntaxError> {
        self.visit_exprs(&args.defaults)?;
        for d in args.kw_defaults.iter().flatten() {
            self.visit_expr(d)?;
        }
        Ok(())
    }

    #[optimize(size)]
    fn visit_params(&mut self, args: &Arguments) -> Result<(), SyntaxError> {
        for a in args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
        {
            self.add_def(&a.name, DEF_PARAM, a.line, a.col)?;
        }
        for a in args.vararg.iter().chain(&args.kwarg) {
            self.add_def(&a.name, DEF_PARAM, a.line, a.col)?;
        }
        Ok(())
    }

    /// An assignment (or `del`) target: names are bound, the rest is evaluated.
    #[optimize(size)]
    fn visit_target(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::Name { id } => self.add_def(id, DEF_LOCAL, e.line, e.col),
            ExprKind::Tuple { elts } | ExprKind::List { elts } => {
                elts.iter().try_for_each(|t| self.visit_target(t))
            }
            ExprKind::Starred { value } => self.visit_target(value),
            ExprKind::Attribute { value, .. } => self.visit_expr(value),
            ExprKind::Subscript { value, slice } => {
                self.visit_expr(value)?;
                self.visit_expr(slice)
            }
            // Not a valid target: the compiler reports it; visit it as an expression meanwhile.
            _ => self.visit_expr(e),
        }
    }

    #[optimize(size)]
    fn visit_expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::Name { id } => {
                self.add_def(id, USE, e.line, e.col)?;
                // Zero-argument super() needs the class's `__class__` cell.
                if id == "super" && self.table.scopes[self.cur].kind.is_function_like() {
                    self.add_def("__class__", USE, e.line, e.col)?;
                }
            }
            ExprKind::BoolOp { values, .. } => self.visit_exprs(values)?,
            ExprKind::NamedExpr { target, value } => {
                self.visit_expr(value)?;
                self.visit_target(target)?;
            }
            ExprKind::BinOp { left, right, .. } => {
                self.visit_expr(left)?;
                self.visit_expr(right)?;
            }
            ExprKind::UnaryOp { operand, .. } => self.visit_expr(operand)?,
            ExprKind::Lambda { args, body } => {
                self.visit_defaults(args)?;
                self.enter(ScopeKind::Lambda, "<lambda>", node_key(e), e.line, e.col);
                self.visit_params(args)?;
                self.visit_expr(body)?;
                self.exit();
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.visit_expr(test)?;
                self.visit_expr(body)?;
                self.visit_expr(orelse)?;
            }
            ExprKind::Dict { keys, values } => {
                for (k, v) in keys.iter().zip(values) {
                    if let Some(k) = k {
                        self.visit_expr(k)?;
                    }
                    self.visit_expr(v)?;
                }
            }
            ExprKind::Set { elts } | ExprKind::List { elts } | ExprKind::Tuple { elts } => {
                self.visit_exprs(elts)?
            }
            ExprKind::ListComp { elt, generators } => {
                self.visit_comprehension(e, "<listcomp>", generators, elt, None)?
            }
            ExprKind::SetComp { elt, generators } => {
                self.visit_comprehension(e, "<setcomp>", generators, elt, None)?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.visit_comprehension(e, "<dictcomp>", generators, key, Some(value))?,
            ExprKind::GeneratorExp { elt, generators } => {
                self.visit_comprehension(e, "<genexpr>", generators, elt, None)?
            }
            ExprKind::Await { value } => {
                self.visit_expr(value)?;
                let scope = self.scope();
                scope.has_await = true;
                if scope.kind == ScopeKind::Comprehension {
                    scope.is_coroutine = true;
                }
            }
            ExprKind::Yield { value } => {
                if let Some(v) = value {
                    self.visit_expr(v)?;
                }
                self.mark_generator(e, "yield")?;
            }
            ExprKind::YieldFrom { value } => {
                self.visit_expr(value)?;
                self.mark_generator(e, "yield from")?;
            }
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.visit_expr(left)?;
                self.visit_exprs(comparators)?;
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.visit_expr(func)?;
                self.visit_exprs(args)?;
                for k in keywords {
                    self.visit_expr(&k.value)?;
                }
            }
            ExprKind::FormattedValue {
                value, format_spec, ..
            } => {
                self.visit_expr(value)?;
                if let Some(spec) = format_spec {
                    self.visit_expr(spec)?;
                }
            }
            ExprKind::JoinedStr { values } => self.visit_exprs(values)?,
            ExprKind::Constant(_) => {}
            ExprKind::Attribute { value, .. } => self.visit_expr(value)?,
            ExprKind::Subscript { value, slice } => {
                self.visit_expr(value)?;
                self.visit_expr(slice)?;
            }
            ExprKind::Starred { value } => self.visit_expr(value)?,
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    self.visit_expr(part)?;
                }
            }
        }
        Ok(())
    }

    #[optimize(size)]
    fn mark_generator(&mut self, e: &Expr, what: &str) -> Result<(), SyntaxError> {
        let scope = self.scope();
        match scope.kind {
            ScopeKind::Module | ScopeKind::Class => {
                Err(err(e.line, e.col, format!("'{what}' outside function")))
            }
            ScopeKind::Comprehension => {
                let kind = match scope.name.as_str() {
                    "<listcomp>" => "list comprehension",
                    "<setcomp>" => "set comprehension",
                    "<dictcomp>" => "dict comprehension",
                    _ => "generator expression",
                };
                Err(err(e.line, e.col, format!("'{what}' inside {kind}")))
            }
            ScopeKind::Function | ScopeKind::Lambda => {
                scope.is_generator = true;
                Ok(())
            }
        }
    }

    /// A comprehension: its outermost iterable is evaluated in the enclosing scope and passed in as the
    /// parameter `.0`; everything else runs in the comprehension's own scope.
    #[optimize(size)]
    fn visit_comprehension(
        &mut self,
        e: &Expr,
        name: &str,
        generators: &[Comprehension],
        elt: &Expr,
        value: Option<&Expr>,
    ) -> Result<(), SyntaxError> {
        let Some(first) = generators.first() else {
            return Err(err(e.line, e.col, "comprehension without a 'for' clause"));
        };
        self.visit_expr(&first.iter)?;
        let id = self.enter(ScopeKind::Comprehension, name, node_key(e), e.line, e.col);
        if name == "<genexpr>" {
            self.scope().is_generator = true;
        }
        if first.is_async {
            self.scope().is_coroutine = true;
        }
        self.add_def(".0", DEF_PARAM, e.line, e.col)?;
        self.visit_target(&first.target)?;
        self.visit_exprs(&first.ifs)?;
        for g in &generators[1..] {
            self.visit_target(&g.target)?;
            self.visit_expr(&g.iter)?;
            self.visit_exprs(&g.ifs)?;
        }
        if let Some(v) = value {
            self.visit_expr(v)?;
        }
        self.visit_expr(elt)?;
        self.exit();
        // Calling an awaiting list/set/dict comprehension awaits it in the enclosing scope.
        let scope = &self.table.scopes[id];
        if scope.is_coroutine && !scope.is_generator {
            let parent = self.scope();
            parent.has_await = true;
            if parent.kind == ScopeKind::Comprehension {
                parent.is_coroutine = true;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parser::{parse_with, ParseOptions};

    fn table(src: &str) -> SymbolTable {
        let opts = ParseOptions {
            allow_yield: true,
            allow_any_import: true,
        };
        let module = parse_with(src, opts).unwrap_or_else(|e| panic!("{src}\n{e:?}"));
        SymbolTable::build(&module).unwrap_or_else(|e| panic!("{src}\n{e:?}"))
    }

    fn scope<'t>(t: &'t SymbolTable, name: &str) -> &'t Scope {
        t.scopes
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no scope {name}"))
    }

    /// `name:Scope` pairs of a scope, in order of first mention.
    fn summary(s: &Scope) -> String {
        s.symbols
            .iter()
            .map(|(n, sym)| format!("{n}:{:?}", sym.scope))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn locals_cells_free_and_globals() {
        let t = table(
            "x = 1\ndef f(a, *args, k=1, **kw):\n    global x\n    b = a\n    for i in args: pass\n    \
             with m() as w: pass\n    try: pass\n    except E as err: pass\n    import os\n    from q import r as s\n    \
             def g():\n        nonlocal b\n        b += 1\n        return a + y\n    class C: pass\n    x = len(kw)\n    return g\n",
        );
        let f = scope(&t, "f");
        assert_eq!(f.kind, ScopeKind::Function);
        assert_eq!(f.params, ["a", "k", "args", "kw"]);
        assert_eq!(
            summary(f),
            "a:Cell k:Local args:Local kw:Local x:GlobalExplicit b:Cell i:Local m:GlobalImplicit w:Local \
             E:GlobalImplicit err:Local os:Local s:Local g:Local C:Local len:GlobalImplicit"
        );
        assert_eq!(f.cellvars(), ["a", "b"]);
        assert!(f.freevars().is_empty());
        assert_eq!(
            f.locals(),
            ["k", "args", "kw", "i", "w", "err", "os", "s", "g", "C"]
        );
        let g = scope(&t, "g");
        assert_eq!(summary(g), "b:Free a:Free y:GlobalImplicit");
        assert_eq!(g.freevars(), ["a", "b"]);
        assert!(f.child_free && g.has_free);
        assert_eq!(summary(t.top()), "x:Local f:Local");
    }

    #[test]
    fn class_scopes_are_skipped_by_methods() {
        let t = table(
            "def outer():\n    v = 1\n    w = 2\n    class C:\n        v = 3\n        u = w\n        def m(self):\n            \
             return v, u\n    return C\n",
        );
        let c = scope(&t, "C");
        // `v` is the class's own and also passed to the method from `outer` (a free-class name).
        assert_eq!(summary(c), "v:Local u:Local w:Free m:Local");
        assert!(c.symbol("v").is_some_and(Symbol::is_free_class));
        assert_eq!(c.freevars(), ["v", "w"]);
        let m = scope(&t, "m");
        assert_eq!(summary(m), "self:Local v:Free u:GlobalImplicit");
        assert_eq!(scope(&t, "outer").cellvars(), ["v", "w"]);
    }

    #[test]
    fn super_gives_the_class_a_class_cell() {
        let t = table(
            "class A(B):\n    def __init__(self):\n        super().__init__()\n    def plain(self):\n        pass\n\
             class D:\n    def f(self):\n        return [__class__ for _ in 'x']\nclass E:\n    pass\n",
        );
        let a = scope(&t, "A");
        assert!(a.needs_class_closure);
        assert_eq!(a.cellvars(), ["__class__"]);
        let init = scope(&t, "__init__");
        assert_eq!(init.lookup("__class__"), NameScope::Free);
        assert_eq!(init.lookup("super"), NameScope::GlobalImplicit);
        assert_eq!(
            scope(&t, "plain").lookup("__class__"),
            NameScope::GlobalImplicit
        );
        assert!(scope(&t, "D").needs_class_closure);
        assert_eq!(scope(&t, "f").freevars(), ["__class__"]);
        assert!(!scope(&t, "E").needs_class_closure);
        // At module level there is no class: `super` is just a global.
        let t = table("def f():\n    return super()\n");
        assert_eq!(
            scope(&t, "f").lookup("__class__"),
            NameScope::GlobalImplicit
        );
    }

    #[test]
    fn comprehensions_lambdas_and_generators() {
        let t = table(
            "def f(xs, n):\n    ys = [x * n for x in xs if x for z in range(x)]\n    g = (lambda a, b=n: a + b + n)\n    \
             yield ys\n\nasync def h(ts):\n    return [await t for t in ts]\n",
        );
        let comp = scope(&t, "<listcomp>");
        assert_eq!(comp.kind, ScopeKind::Comprehension);
        assert_eq!(comp.params, [".0"]);
        assert_eq!(
            summary(comp),
            ".0:Local x:Local z:Local range:GlobalImplicit n:Free"
        );
        // The outermost iterable is the enclosing scope's.
        let f = scope(&t, "f");
        assert_eq!(f.lookup("xs"), NameScope::Local);
        assert_eq!(f.cellvars(), ["n"]);
        assert!(f.is_generator && !f.is_coroutine);
        let lam = scope(&t, "<lambda>");
        assert_eq!(lam.params, ["a", "b"]);
        assert_eq!(lam.lookup("n"), NameScope::Free);
        let h = scope(&t, "h");
        assert!(h.is_async_def && h.is_coroutine && h.has_await);
        let hc = t.scope(h.children[0]);
        assert!(hc.is_coroutine && !hc.is_generator);
    }

    #[test]
    fn mangling() {
        assert_eq!(mangle(Some("Ham"), "__spam"), "_Ham__spam");
        assert_eq!(mangle(Some("_Ham"), "__spam"), "_Ham__spam");
        assert_eq!(mangle(Some("Ham"), "__init__"), "__init__");
        assert_eq!(mangle(Some("Ham"), "_spam"), "_spam");
        assert_eq!(mangle(Some("___"), "__spam"), "__spam");
        assert_eq!(mangle(None, "__spam"), "__spam");
        let t = table("class C:\n    __a = 1\n    def m(self, __b):\n        return __a, __b\n");
        assert_eq!(summary(scope(&t, "C")), "_C__a:Local m:Local");
        assert_eq!(scope(&t, "m").params, ["self", "_C__b"]);
    }

    #[test]
    fn scope_errors() {
        let err = |src: &str| {
            let module = parse_with(src, ParseOptions::default());
            match module {
                Ok(m) => SymbolTable::build(&m).err().map(|e| e.message),
                Err(errs) => Some(errs[0].message.clone()),
            }
        };
        let m = err("def f():\n    def g():\n        nonlocal x\n").unwrap_or_default();
        assert!(m.contains("no binding for nonlocal 'x' found"), "{m}");
        // A class body's binding is not an enclosing function's.
        let m = err(
            "def f():\n    class C:\n        x = 1\n        def g(self):\n            nonlocal x\n",
        )
        .unwrap_or_default();
        assert!(m.contains("no binding for nonlocal 'x' found"), "{m}");
        assert_eq!(
            err("def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n"),
            None
        );
        // `nonlocal` finds a binding through an intermediate function.
        assert_eq!(
            err("def f():\n    x = 1\n    def g():\n        def h():\n            nonlocal x\n            x = 3\n"),
            None
        );
        // `global` in an intermediate function hides the outer binding from inner scopes.
        let t = table("def f():\n    x = 1\n    def g():\n        global x\n        def h():\n            return x\n");
        assert_eq!(scope(&t, "h").lookup("x"), NameScope::GlobalImplicit);
        assert_eq!(scope(&t, "f").lookup("x"), NameScope::Local);
    }
}
