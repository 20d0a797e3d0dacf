using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Sql;

/// <summary>A table given to a query: its name and element type (its columns are the type's public properties and fields).</summary>
internal sealed record SqlTableSymbol(string Name, ITypeSymbol ElementType, int Index);

/// <summary>
/// What a bound query becomes: the table it reads (an index into the tables given), the WHERE condition as a C#
/// expression over the parameter <see cref="SqlBinder.Row"/> (null: none), and the C# expression that builds a result
/// row from it. Or the first error, at its place in the query.
/// </summary>
internal sealed record SqlBinding(int Table, string? Where, string Select, SqlDiagnostic? Error)
{
    /// <summary>For a query with GROUP BY: how rows are keyed, filtered and built per group (then <see cref="Select"/> is unused).</summary>
    public SqlGrouping? Grouping { get; init; }
}

/// <summary>
/// A grouped query: each row keyed by <see cref="KeyCode"/> (a C# expression over <see cref="SqlBinder.Row"/> of type
/// <see cref="KeyType"/>), grouped, then per group (a <c>KV</c> of the key and the group's rows, the parameter
/// <see cref="SqlBinder.Group"/>) the HAVING condition and the result row, each a block that computes the aggregates it
/// reads, a loop over the group's rows for each.
/// </summary>
internal sealed record SqlGrouping(string KeyType, string KeyCode, string? Having, string Select);

/// <summary>
/// Checks a parsed query against the tables' element types and the result row type, and translates it into C#
/// expressions with SQL's semantics: integer arithmetic wraps as Java's does in Beam SQL, integer division truncates,
/// strings compare by UTF-16 code units, and a column that may be null (a <c>string?</c>, an <c>int?</c>) brings SQL's
/// three-valued logic: a comparison with NULL is unknown, AND and OR follow Kleene's tables (C#'s <c>bool?</c>
/// <c>&amp;</c> and <c>|</c>), and WHERE keeps a row only when its condition is true.
/// </summary>
internal sealed class SqlBinder
{
    /// <summary>The name of the row parameter in the translated expressions.</summary>
    public const string Row = "row";

    /// <summary>The name of the group parameter (a KV of the key and the group's rows) of a grouped query's blocks.</summary>
    public const string Group = "kv";

    private enum Kind
    {
        Int,
        Long,
        Double,
        Decimal,
        Bool,
        String,

        /// <summary>The NULL literal (only as a CASE result).</summary>
        Null,

        /// <summary>Any other type: selected as it is, never computed with.</summary>
        Other,
    }

    /// <summary>A translated expression: its C# code, what SQL type it has, whether it may be null, and its exact C# type.</summary>
    private readonly record struct Typed(string Code, Kind Kind, bool Nullable, ITypeSymbol? Symbol = null);

    private sealed class BindError : Exception
    {
        public BindError(SqlDiagnostic diagnostic)
        {
            Diagnostic = diagnostic;
        }

        public SqlDiagnostic Diagnostic { get; }
    }

    private readonly Compilation _compilation;
    private readonly IReadOnlyList<SqlTableSymbol> _tables;
    private readonly ITypeSymbol _rowType;
    private SqlTableSymbol _table = null!;
    private string? _alias;
    private int _temps;

    /// <summary>While binding a grouped query's HAVING and SELECT: the group keys (their row code and how to read them from the group), and the aggregates' statements so far.</summary>
    private GroupScope? _group;

    private sealed class GroupScope
    {
        public List<(string RowCode, Typed Key)> Keys { get; } = new();

        public List<string> Statements { get; } = new();
    }

    private SqlBinder(Compilation compilation, IReadOnlyList<SqlTableSymbol> tables, ITypeSymbol rowType)
    {
        _compilation = compilation;
        _tables = tables;
        _rowType = rowType;
    }

    /// <summary>Binds <paramref name="query"/>: its translation, or its first error.</summary>
    public static SqlBinding Bind(SqlQuery query, IReadOnlyList<SqlTableSymbol> tables, ITypeSymbol rowType, Compilation compilation)
    {
        var binder = new SqlBinder(compilation, tables, rowType);
        try
        {
            return binder.BindQuery(query);
        }
        catch (BindError error)
        {
            return new SqlBinding(-1, null, string.Empty, error.Diagnostic);
        }
    }

    private static Exception Fail(string message, SqlSpan span) => throw new BindError(new SqlDiagnostic(message, span));

    private static string NotYet(string what) => what + " is not supported yet: today a query is SELECT ... FROM one table [WHERE ...] [GROUP BY ... [HAVING ...]]";

    private SqlBinding BindQuery(SqlQuery query)
    {
        if (query.Selects.Count > 1)
        {
            Fail(NotYet("UNION ALL"), query.Selects[1].Span);
        }

        if (query.OrderBy.Count > 0)
        {
            Fail(NotYet("ORDER BY"), query.OrderBy[0].Span);
        }

        if (query.Limit is not null)
        {
            Fail(NotYet("LIMIT"), query.Limit.Span);
        }

        var select = query.Selects[0];
        if (select.Distinct)
        {
            Fail(NotYet("SELECT DISTINCT"), new SqlSpan(select.Span.Start, 6));
        }

        switch (select.From)
        {
            case SqlJoin join:
                throw Fail(NotYet("A join"), SqlSpan.Cover(join.Right.Span, join.On.Span));
            case SqlSubquery subquery:
                throw Fail(NotYet("A subquery"), subquery.Span);
            case SqlTableRef table:
                _table = _tables.FirstOrDefault(t => t.Name == table.Name) ??
                    _tables.FirstOrDefault(t => string.Equals(t.Name, table.Name, StringComparison.OrdinalIgnoreCase)) ??
                    throw Fail("Unknown table '" + table.Name + "'" + Suggest(table.Name, _tables.Select(t => t.Name), "the query's tables are"), new SqlSpan(table.Span.Start, table.Name.Length));
                _alias = table.Alias;
                break;
        }

        if (select.Having is not null && select.GroupBy.Count == 0)
        {
            Fail("HAVING filters groups: it needs GROUP BY", select.Having.Span);
        }

        string? where = null;
        if (select.Where is not null)
        {
            var condition = Bind(select.Where);
            if (condition.Kind != Kind.Bool)
            {
                Fail("WHERE needs a condition (a BOOLEAN), not " + SqlType(condition), select.Where.Span);
            }

            // A row passes only when its condition is true: unknown (NULL) drops it, as false does.
            where = condition.Nullable ? "(" + condition.Code + ") == true" : condition.Code;
        }

        if (select.GroupBy.Count > 0)
        {
            return new SqlBinding(_table.Index, where, string.Empty, null) { Grouping = BindGrouping(select) };
        }

        return new SqlBinding(_table.Index, where, Construct(select), null);
    }

    // ----- GROUP BY -----

    private SqlGrouping BindGrouping(SqlSelect select)
    {
        var keys = new List<(string RowCode, Typed Key)>();
        foreach (var expr in select.GroupBy)
        {
            if (ContainsAggregate(expr))
            {
                Fail("GROUP BY cannot hold an aggregate", expr.Span);
            }

            var value = Bind(expr);
            if (value.Kind == Kind.Null)
            {
                Fail("Grouping by NULL groups nothing", expr.Span);
            }

            if (value.Nullable)
            {
                Fail("Grouping by a value that may be NULL is not supported yet: filter the NULLs out with WHERE, or use a column that cannot be null", expr.Span);
            }

            if (keys.Any(k => k.RowCode == value.Code))
            {
                Fail("This is grouped by already", expr.Span);
            }

            keys.Add((value.Code, value));
        }

        var symbols = keys.Select(k => SymbolOf(k.Key)).ToList();
        var keyType = symbols.Count == 1
            ? symbols[0]
            : _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.CreateRange(symbols));
        var keyCode = keys.Count == 1 ? keys[0].RowCode : "(" + string.Join(", ", keys.Select(k => k.RowCode)) + ")";

        if (select.Items.Any(i => i.IsStar))
        {
            Fail("SELECT * with GROUP BY: name the grouped columns and the aggregates", select.Items.First(i => i.IsStar).Span);
        }

        // HAVING and SELECT each compute the aggregates they read in a block of their own, over the group's rows.
        string? having = null;
        if (select.Having is not null)
        {
            _group = NewScope(keys);
            var condition = Bind(select.Having);
            if (condition.Kind != Kind.Bool)
            {
                Fail("HAVING needs a condition (a BOOLEAN), not " + SqlType(condition), select.Having.Span);
            }

            having = Block(condition.Nullable ? "(" + condition.Code + ") == true" : condition.Code);
        }

        _group = NewScope(keys);
        var row = Construct(select);
        var body = Block(row);
        _group = null;
        return new SqlGrouping(PipelineGenerator.Parser.Fq(keyType), keyCode, having, body);
    }

    private static GroupScope NewScope(List<(string RowCode, Typed Key)> keys)
    {
        var scope = new GroupScope();
        for (var i = 0; i < keys.Count; i++)
        {
            var access = Group + ".Key" + (keys.Count == 1 ? string.Empty : ".Item" + (i + 1).ToString(CultureInfo.InvariantCulture));
            scope.Keys.Add((keys[i].RowCode, keys[i].Key with { Code = access }));
        }

        return scope;
    }

    /// <summary>A block over the group: its rows, the aggregates' loops, then the result.</summary>
    private string Block(string result)
    {
        // Indented as the emitter writes a method body: the braces at the method's level, the statements one deeper.
        const string Statement = "            ";
        var lines = new List<string> { "{", Statement + "var __rows = " + Group + ".Value;" };
        lines.AddRange(_group!.Statements.Select(statement => Statement + statement));
        lines.Add(Statement + "return " + result + ";");
        lines.Add("        }");
        return string.Join("\n", lines);
    }

    private static bool ContainsAggregate(SqlExpr expr) => expr switch
    {
        SqlCall { Name: "COUNT" or "SUM" or "AVG" or "MIN" or "MAX" } => true,
        SqlCall call => call.Arguments.Any(ContainsAggregate),
        SqlUnary unary => ContainsAggregate(unary.Operand),
        SqlBinary binary => ContainsAggregate(binary.Left) || ContainsAggregate(binary.Right),
        SqlCase @case => (@case.Operand is not null && ContainsAggregate(@case.Operand)) || @case.Whens.Any(w => ContainsAggregate(w.Condition) || ContainsAggregate(w.Result)) || (@case.Else is not null && ContainsAggregate(@case.Else)),
        SqlCast cast => ContainsAggregate(cast.Operand),
        SqlIsNull isNull => ContainsAggregate(isNull.Operand),
        SqlBetween between => ContainsAggregate(between.Operand) || ContainsAggregate(between.Low) || ContainsAggregate(between.High),
        SqlIn @in => ContainsAggregate(@in.Operand) || @in.Values.Any(ContainsAggregate),
        SqlLike like => ContainsAggregate(like.Operand) || ContainsAggregate(like.Pattern),
        _ => false,
    };

    /// <summary>An expression over a group that is not an aggregate: a grouped expression, a constant, or one made of them.</summary>
    private Typed? GroupedValue(SqlExpr expr)
    {
        if (ContainsAggregate(expr))
        {
            return null;
        }

        var scope = _group!;
        _group = null;
        Typed value;
        try
        {
            value = Bind(expr);
        }
        finally
        {
            _group = scope;
        }

        foreach (var (rowCode, key) in scope.Keys)
        {
            if (rowCode == value.Code)
            {
                return key;
            }
        }

        if (expr is SqlLiteral)
        {
            return value;
        }

        if (expr is SqlColumn column)
        {
            Fail("Column '" + column.Name + "' is neither in GROUP BY nor in an aggregate: a group has many of its values", NameSpan(column));
        }

        return null; // made of parts: each part is checked as the expression is bound
    }

    /// <summary>
    /// An aggregate over the group's rows, as Beam SQL's (BeamBuiltinAggregations): NULLs are skipped, and an aggregate
    /// of no values is NULL (COUNT is 0); COUNT is a BIGINT; SUM, MIN and MAX keep the argument's type (an INTEGER sum
    /// wraps as Java's int does, a BIGINT sum fails on overflow as Math.addExact does); AVG of integers is an integer (the
    /// sum divided by the count, truncated), of DOUBLEs a DOUBLE (the sum in row order divided by the count: Beam sums
    /// exactly in BigDecimal and rounds the mean to 10 significant digits, a documented difference); MIN and MAX of
    /// strings compare by UTF-16 code units, of DOUBLEs as Math.min and max (NaN wins).
    /// </summary>
    private Typed Aggregate(SqlCall call)
    {
        var scope = _group!;
        var n = (++_temps).ToString(CultureInfo.InvariantCulture);
        var result = "__agg" + n;
        if (call.Star)
        {
            if (call.Name != "COUNT")
            {
                Fail(call.Name + "(*) has no meaning: name the column", call.Span);
            }

            return new Typed("(long)__rows.Count", Kind.Long, false);
        }

        if (call.Arguments.Count != 1)
        {
            Fail(call.Name + " takes one argument", call.Span);
        }

        if (ContainsAggregate(call.Arguments[0]))
        {
            Fail("An aggregate cannot hold another aggregate", call.Arguments[0].Span);
        }

        _group = null;
        Typed argument;
        try
        {
            argument = Bind(call.Arguments[0]);
        }
        finally
        {
            _group = scope;
        }

        if (argument.Kind is Kind.Null or Kind.Other)
        {
            Fail(call.Name + " of " + SqlType(argument) + " is not supported", call.Arguments[0].Span);
        }

        // Each row's value, or the loop moves on where it is NULL.
        var value = "__v" + n;
        var read = argument.Nullable
            ? "if (" + argument.Code + " is not { } " + value + ") { continue; }"
            : "var " + value + " = " + argument.Code + ";";
        string Loop(string body) => "foreach (var " + Row + " in __rows) { " + read + " " + body + " }";

        if (call.Name == "COUNT")
        {
            if (call.Distinct)
            {
                var set = "__set" + n;
                scope.Statements.Add("var " + set + " = new global::System.Collections.Generic.HashSet<" + PipelineGenerator.Parser.Fq(SymbolOf(argument with { Nullable = false })) + ">();");
                scope.Statements.Add(Loop(set + ".Add(" + value + ");"));
                return new Typed("(long)" + set + ".Count", Kind.Long, false);
            }

            if (!argument.Nullable)
            {
                return new Typed("(long)__rows.Count", Kind.Long, false);
            }

            scope.Statements.Add("long " + result + " = 0;");
            scope.Statements.Add(Loop(result + "++;"));
            return new Typed(result, Kind.Long, false);
        }

        if (call.Distinct)
        {
            Fail(call.Name + "(DISTINCT ...) is not supported yet", call.Span);
        }

        var kind = argument.Kind;
        var type = CSharpType(kind);
        var any = "__any" + n;
        string Done(Kind resultKind, string resultType, string code)
        {
            // A group has rows, but every value may have been NULL: then the aggregate is NULL.
            if (!argument.Nullable)
            {
                return code;
            }

            return "(" + any + " ? (" + resultType + "?)(" + code + ") : null)";
        }

        switch (call.Name)
        {
            case "SUM":
            case "AVG":
                {
                    if (!IsNumeric(kind))
                    {
                        Fail(call.Name + " needs numbers, not " + SqlType(argument), call.Arguments[0].Span);
                    }

                    var average = call.Name == "AVG";
                    var sumType = average && kind is Kind.Int or Kind.Long ? "long" : type;
                    var count = "__count" + n;
                    scope.Statements.Add(sumType + " " + result + " = 0;");
                    scope.Statements.Add("long " + count + " = 0;");
                    // Beam SQL's sums: an INTEGER sum wraps (Sum.ofIntegers), a BIGINT sum fails on overflow (Math.addExact);
                    // AVG sums integers in a long.
                    var add = kind == Kind.Long && !average ? "checked(" + result + " + " + value + ")" : Wrap("(" + result + " + " + value + ")", kind);
                    scope.Statements.Add(Loop(result + " = " + add + "; " + count + "++;"));
                    if (argument.Nullable)
                    {
                        scope.Statements.Add("var " + any + " = " + count + " > 0;");
                    }

                    var code = !average ? result
                        : kind is Kind.Int or Kind.Long ? "(" + type + ")(" + result + " / (" + count + " == 0 ? 1 : " + count + "))"
                        : "(" + result + " / (" + count + " == 0 ? 1 : " + count + "))";
                    return new Typed(Done(kind, type, code), kind, argument.Nullable);
                }

            case "MIN":
            case "MAX":
                {
                    if (!IsNumeric(kind) && kind != Kind.String)
                    {
                        Fail(call.Name + " needs numbers or strings, not " + SqlType(argument), call.Arguments[0].Span);
                    }

                    var op = call.Name == "MIN" ? "<" : ">";
                    var better = kind == Kind.String
                        ? "string.CompareOrdinal(" + value + ", " + result + ") " + op + " 0"
                        : value + " " + op + " " + result;
                    var update = kind == Kind.Double
                        ? result + " = " + any + " ? global::System.Math." + (call.Name == "MIN" ? "Min" : "Max") + "(" + result + ", " + value + ") : " + value + ";"
                        : "if (!" + any + " || " + better + ") { " + result + " = " + value + "; }";
                    scope.Statements.Add(type + " " + result + " = default!;");
                    scope.Statements.Add("var " + any + " = false;");
                    scope.Statements.Add(Loop(update + " " + any + " = true;"));
                    return new Typed(Done(kind, type, result), kind, argument.Nullable);
                }

            default:
                throw Fail("Unknown aggregate " + call.Name, call.NameSpan);
        }
    }

    // ----- the result row -----

    private string Construct(SqlSelect select)
    {
        var items = new List<(string Name, Typed Value, SqlSpan Span)>();
        foreach (var item in select.Items)
        {
            if (item.IsStar)
            {
                if (item.StarQualifier is not null)
                {
                    CheckQualifier(item.StarQualifier, item.Span);
                }

                foreach (var member in Columns(_table.ElementType))
                {
                    items.Add((member.Name, Column(member), item.Span));
                }

                continue;
            }

            var value = Bind(item.Expr!);
            var name = item.Alias ?? (item.Expr as SqlColumn)?.Name ??
                throw Fail("Name this column with AS: it becomes the member of " + Display(_rowType) + " with that name", item.Span);
            if (value.Kind == Kind.Null)
            {
                Fail("NULL alone has no type: CAST it, or select a column", item.Span);
            }

            items.Add((name, value, item.Span));
        }

        foreach (var group in items.GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            Fail("Two columns of the result are named '" + group.Key + "': rename one with AS", group.Skip(1).First().Span);
        }

        var row = (INamedTypeSymbol)_rowType;
        var rowName = PipelineGenerator.Parser.Fq(_rowType);

        // A constructor whose parameters are the result's columns, by name: new Row(a: ..., b: ...).
        foreach (var constructor in row.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == items.Count && c.Parameters.Length > 0))
        {
            var arguments = new List<string>();
            foreach (var parameter in constructor.Parameters)
            {
                var match = items.FindIndex(i => string.Equals(i.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                if (match < 0)
                {
                    arguments.Clear();
                    break;
                }

                arguments.Add(Identifier(parameter.Name) + ": " + Convert(items[match].Value, parameter.Type, Display(_rowType) + "'s constructor parameter '" + parameter.Name + "'", items[match].Span));
            }

            if (arguments.Count == items.Count)
            {
                return "new " + rowName + "(" + string.Join(", ", arguments) + ")";
            }
        }

        // Else its settable members, by name: new Row { A = ..., B = ... }.
        if (row.IsAbstract || row.TypeKind == TypeKind.Interface)
        {
            Fail(Display(_rowType) + " is abstract: give the query a concrete row type", new SqlSpan(select.Span.Start, 6));
        }

        if (!row.IsValueType && !row.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0))
        {
            var constructors = row.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).Select(c => "(" + string.Join(", ", c.Parameters.Select(p => p.Name)) + ")").ToList();
            Fail(Display(_rowType) + " has no constructor whose parameters are the result's columns (" + string.Join(", ", items.Select(i => i.Name)) + ")" +
                (constructors.Count > 0 ? "; its constructors take " + string.Join(" or ", constructors) : string.Empty), new SqlSpan(select.Span.Start, 6));
        }

        var settable = Settable(row).ToList();
        var assignments = new List<string>();
        foreach (var (name, value, span) in items)
        {
            var member = settable.FirstOrDefault(m => m.Name == name) ?? settable.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)) ??
                throw Fail(Display(_rowType) + " has no settable member '" + name + "'" + Suggest(name, settable.Select(m => m.Name), "its settable members are"), span);
            assignments.Add(member.Name + " = " + Convert(value, TypeOf(member), Display(_rowType) + "." + member.Name, span));
        }

        var required = settable.Where(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
            .Where(m => !items.Any(i => string.Equals(i.Name, m.Name, StringComparison.OrdinalIgnoreCase))).Select(m => m.Name).ToList();
        if (required.Count > 0)
        {
            Fail(Display(_rowType) + " requires " + string.Join(", ", required) + ", which the query does not select", new SqlSpan(select.Span.Start, 6));
        }

        return "new " + rowName + " { " + string.Join(", ", assignments) + " }";
    }

    private static IEnumerable<ISymbol> Settable(INamedTypeSymbol type)
    {
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.DeclaredAccessibility == Accessibility.Public && !member.IsStatic &&
                    (member is IPropertySymbol { SetMethod.DeclaredAccessibility: Accessibility.Public, IsIndexer: false } || member is IFieldSymbol { IsReadOnly: false, IsConst: false, IsImplicitlyDeclared: false }))
                {
                    yield return member;
                }
            }
        }
    }

    /// <summary>The value converted to <paramref name="target"/> (an implicit conversion only: C#'s numeric widening, or the same type).</summary>
    private string Convert(Typed value, ITypeSymbol target, string what, SqlSpan span)
    {
        if (value.Nullable && !MayHoldNull(target))
        {
            Fail("This column may be NULL, and " + what + " (" + Display(target) + ") cannot hold null: declare it " + Display(target) + "?", span);
        }

        var source = SymbolOf(value);
        var conversion = _compilation.ClassifyConversion(source, target);
        if (!conversion.Exists || !conversion.IsImplicit)
        {
            Fail("This column is " + SqlType(value) + " (" + Display(source) + "), which " + what + " (" + Display(target) + ") cannot take without a CAST", span);
        }

        return value.Code;
    }

    private static bool MayHoldNull(ITypeSymbol type) =>
        type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T || (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);

    /// <summary>The exact C# type of a translated value.</summary>
    private ITypeSymbol SymbolOf(Typed value)
    {
        if (value.Symbol is not null)
        {
            return value.Symbol;
        }

        var type = _compilation.GetSpecialType(value.Kind switch
        {
            Kind.Int => SpecialType.System_Int32,
            Kind.Long => SpecialType.System_Int64,
            Kind.Double => SpecialType.System_Double,
            Kind.Decimal => SpecialType.System_Decimal,
            Kind.Bool => SpecialType.System_Boolean,
            _ => SpecialType.System_String,
        });
        if (value.Nullable && type.IsValueType)
        {
            return _compilation.GetSpecialType(SpecialType.System_Nullable_T).Construct(type);
        }

        return value.Nullable ? type.WithNullableAnnotation(NullableAnnotation.Annotated) : type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
    }

    // ----- columns -----

    private static IEnumerable<ISymbol> Columns(ITypeSymbol type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chain = new List<ITypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        foreach (var t in chain)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.DeclaredAccessibility == Accessibility.Public && !member.IsStatic && !member.IsImplicitlyDeclared &&
                    (member is IPropertySymbol { GetMethod: not null, IsIndexer: false } || member is IFieldSymbol { IsConst: false }) &&
                    member.Name != "EqualityContract" && seen.Add(member.Name))
                {
                    yield return member;
                }
            }
        }
    }

    private static ITypeSymbol TypeOf(ISymbol member) => member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;

    private Typed Column(ISymbol member)
    {
        var type = TypeOf(member);
        var code = Row + "." + Identifier(member.Name);
        var nullable = MayHoldNull(type);
        var underlying = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var kind = underlying.SpecialType switch
        {
            SpecialType.System_Int32 => Kind.Int,
            SpecialType.System_Int64 => Kind.Long,
            SpecialType.System_Double => Kind.Double,
            SpecialType.System_Decimal => Kind.Decimal,
            SpecialType.System_Boolean => Kind.Bool,
            SpecialType.System_String => Kind.String,
            _ => Kind.Other,
        };

        return new Typed(code, kind, nullable, type);
    }

    private void CheckQualifier(string qualifier, SqlSpan span)
    {
        // Once a table has an alias, the alias names it (as in standard SQL).
        if (!string.Equals(qualifier, _alias ?? _table.Name, StringComparison.OrdinalIgnoreCase))
        {
            Fail("Unknown table or alias '" + qualifier + "': the query reads " + (_alias is null ? "'" + _table.Name + "'" : "'" + _table.Name + "' as '" + _alias + "'"), new SqlSpan(span.Start, qualifier.Length));
        }
    }

    // ----- expressions -----

    private Typed Bind(SqlExpr expr)
    {
        if (_group is not null)
        {
            if (expr is SqlCall { Name: "COUNT" or "SUM" or "AVG" or "MIN" or "MAX" } aggregate)
            {
                return Aggregate(aggregate);
            }

            if (GroupedValue(expr) is { } grouped)
            {
                return grouped;
            }
        }

        switch (expr)
        {
            case SqlLiteral literal:
                return Literal(literal);
            case SqlColumn column:
                {
                    if (column.Qualifier is not null)
                    {
                        CheckQualifier(column.Qualifier, column.Span);
                    }

                    var columns = Columns(_table.ElementType).ToList();
                    var member = columns.FirstOrDefault(m => m.Name == column.Name) ?? Single(columns.Where(m => string.Equals(m.Name, column.Name, StringComparison.OrdinalIgnoreCase)).ToList(), column) ??
                        throw Fail("Unknown column '" + column.Name + "' in table '" + _table.Name + "'" + Suggest(column.Name, columns.Select(m => m.Name), "its columns are"), NameSpan(column));
                    return Column(member);
                }

            case SqlUnary { Operator: "NOT" } not:
                {
                    var operand = Condition(not.Operand, "NOT");
                    return operand.Nullable ? new Typed("(!(bool?)(" + operand.Code + "))", Kind.Bool, true) : new Typed("(!" + operand.Code + ")", Kind.Bool, false);
                }

            case SqlUnary unary:
                {
                    var operand = Numeric(Bind(unary.Operand), unary.Operator, unary.Operand.Span);
                    return unary.Operator == "+" ? operand : operand with { Code = Wrap("(-" + operand.Code + ")", operand.Kind) };
                }

            case SqlBinary { Operator: "AND" or "OR" } logic:
                {
                    var left = Condition(logic.Left, logic.Operator);
                    var right = Condition(logic.Right, logic.Operator);
                    if (!left.Nullable && !right.Nullable)
                    {
                        return new Typed("(" + left.Code + (logic.Operator == "AND" ? " && " : " || ") + right.Code + ")", Kind.Bool, false);
                    }

                    // Kleene's three-valued AND and OR are C#'s & and | over bool?: unknown AND false is false, unknown OR true is true.
                    return new Typed("((bool?)(" + left.Code + ")" + (logic.Operator == "AND" ? " & " : " | ") + "(bool?)(" + right.Code + "))", Kind.Bool, true);
                }

            case SqlBinary { Operator: "=" or "<>" or "<" or "<=" or ">" or ">=" } comparison:
                return Compare(Bind(comparison.Left), comparison.Operator, Bind(comparison.Right), comparison);
            case SqlBinary { Operator: "||" } concat:
                {
                    var left = Bind(concat.Left);
                    var right = Bind(concat.Right);
                    foreach (var (side, span) in new[] { (left, concat.Left.Span), (right, concat.Right.Span) })
                    {
                        if (side.Kind != Kind.String)
                        {
                            Fail("|| joins strings (VARCHAR), not " + SqlType(side) + ": CAST it to VARCHAR", span);
                        }
                    }

                    return Lift(new[] { left, right }, values => "string.Concat(" + values[0] + ", " + values[1] + ")", Kind.String);
                }

            case SqlBinary arithmetic:
                {
                    var left = Numeric(Bind(arithmetic.Left), arithmetic.Operator, arithmetic.Left.Span);
                    var right = Numeric(Bind(arithmetic.Right), arithmetic.Operator, arithmetic.Right.Span);
                    var kind = Promote(left, right, arithmetic);
                    return new Typed(Wrap("(" + left.Code + " " + arithmetic.Operator + " " + right.Code + ")", kind), kind, left.Nullable || right.Nullable);
                }

            case SqlIsNull isNull:
                {
                    var operand = Bind(isNull.Operand);
                    if (operand.Kind == Kind.Null)
                    {
                        return new Typed(isNull.Not ? "false" : "true", Kind.Bool, false);
                    }

                    // A value that cannot be null is never NULL (and C# rejects 'is null' on it).
                    return new Typed(!operand.Nullable ? (isNull.Not ? "true" : "false") : "(" + operand.Code + (isNull.Not ? " is not null)" : " is null)"), Kind.Bool, false);
                }

            case SqlBetween between:
                {
                    var operand = Bind(between.Operand);
                    var range = And(Compare(operand, ">=", Bind(between.Low), between), Compare(operand, "<=", Bind(between.High), between));
                    return between.Not ? Not(range) : range;
                }

            case SqlIn @in:
                {
                    var operand = Bind(@in.Operand);
                    var any = Compare(operand, "=", Bind(@in.Values[0]), @in);
                    foreach (var value in @in.Values.Skip(1))
                    {
                        any = Or(any, Compare(operand, "=", Bind(value), @in));
                    }

                    return @in.Not ? Not(any) : any;
                }

            case SqlCase @case:
                return Case(@case);
            case SqlCast cast:
                return Cast(cast);
            case SqlCall call:
                return Call(call);
            case SqlLike like:
                {
                    var operand = Bind(like.Operand);
                    var pattern = Bind(like.Pattern);
                    foreach (var (side, span) in new[] { (operand, like.Operand.Span), (pattern, like.Pattern.Span) })
                    {
                        if (side.Kind != Kind.String)
                        {
                            Fail("LIKE matches strings (VARCHAR), not " + SqlType(side), span);
                        }
                    }

                    var match = like.Pattern is SqlLiteral { Kind: SqlLiteralKind.String } literal
                        ? LikeLiteral(literal.Text)
                        : (Func<string[], string>)(v => "global::Compiled.Sql.SqlFunctions.Like(" + v[0] + ", " + v[1] + ")");
                    var matched = Lift(new[] { operand, pattern }, match, Kind.Bool);
                    return like.Not ? Not(matched) : matched;
                }
            case SqlInterval interval:
                throw Fail("An INTERVAL is a window's size or slide, in GROUP BY; " + NotYet("GROUP BY"), interval.Span);
            default:
                throw Fail("This expression is not supported yet", expr.Span);
        }
    }

    /// <summary>
    /// A LIKE whose pattern is known at build time: a prefix, a suffix, a substring or the whole value (no <c>_</c>, and
    /// <c>%</c> only at the ends) is compiled to an ordinal StartsWith, EndsWith, Contains or equality; any other pattern
    /// is matched by <c>SqlFunctions.Like</c>.
    /// </summary>
    private static Func<string[], string> LikeLiteral(string pattern)
    {
        var leading = pattern.StartsWith("%", StringComparison.Ordinal);
        var trailing = pattern.Length > (leading ? 1 : 0) && pattern.EndsWith("%", StringComparison.Ordinal);
        var core = pattern.Substring(leading ? 1 : 0, pattern.Length - (leading ? 1 : 0) - (trailing ? 1 : 0));
        if (core.IndexOfAny(new[] { '%', '_' }) >= 0)
        {
            return v => "global::Compiled.Sql.SqlFunctions.Like(" + v[0] + ", " + v[1] + ")";
        }

        var text = SymbolDisplay.FormatLiteral(core, quote: true);
        return (leading, trailing) switch
        {
            (false, false) => v => "(" + v[0] + " == " + text + ")",
            (false, true) => v => v[0] + ".StartsWith(" + text + ", global::System.StringComparison.Ordinal)",
            (true, false) => v => v[0] + ".EndsWith(" + text + ", global::System.StringComparison.Ordinal)",
            _ => v => v[0] + ".Contains(" + text + ", global::System.StringComparison.Ordinal)",
        };
    }

    private ISymbol? Single(List<ISymbol> matches, SqlColumn column) =>
        matches.Count <= 1 ? matches.FirstOrDefault() : throw Fail("Column '" + column.Name + "' is ambiguous: " + string.Join(", ", matches.Select(m => m.Name)) + " differ only in case; write it as declared, in double quotes", NameSpan(column));

    /// <summary>The column's name without its qualifier (<c>t.</c>), where it has one.</summary>
    private static SqlSpan NameSpan(SqlColumn column) => column.Qualifier is null
        ? column.Span
        : new SqlSpan(column.Span.Start + column.Qualifier.Length + 1, Math.Max(0, column.Span.Length - column.Qualifier.Length - 1));

    private Typed Literal(SqlLiteral literal)
    {
        switch (literal.Kind)
        {
            case SqlLiteralKind.Integer:
                if (!long.TryParse(literal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                {
                    throw Fail("This integer does not fit a BIGINT (64 bits)", literal.Span);
                }

                return integer <= int.MaxValue ? new Typed(integer.ToString(CultureInfo.InvariantCulture), Kind.Int, false) : new Typed(integer.ToString(CultureInfo.InvariantCulture) + "L", Kind.Long, false);
            case SqlLiteralKind.Decimal:
                {
                    var value = double.Parse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (double.IsInfinity(value))
                    {
                        Fail("This number does not fit a DOUBLE", literal.Span);
                    }

                    var text = value.ToString("R", CultureInfo.InvariantCulture);
                    return new Typed(text.IndexOfAny(new[] { '.', 'E' }) < 0 ? text + ".0" : text, Kind.Double, false);
                }

            case SqlLiteralKind.String:
                return new Typed(SymbolDisplay.FormatLiteral(literal.Text, quote: true), Kind.String, false);
            case SqlLiteralKind.True:
                return new Typed("true", Kind.Bool, false);
            case SqlLiteralKind.False:
                return new Typed("false", Kind.Bool, false);
            default:
                return new Typed("null", Kind.Null, true);
        }
    }

    private Typed Condition(SqlExpr expr, string op)
    {
        var value = Bind(expr);
        if (value.Kind != Kind.Bool)
        {
            Fail(op + " needs conditions (BOOLEAN), not " + SqlType(value), expr.Span);
        }

        return value;
    }

    private static Typed And(Typed left, Typed right) => !left.Nullable && !right.Nullable
        ? new Typed("(" + left.Code + " && " + right.Code + ")", Kind.Bool, false)
        : new Typed("((bool?)(" + left.Code + ") & (bool?)(" + right.Code + "))", Kind.Bool, true);

    private static Typed Or(Typed left, Typed right) => !left.Nullable && !right.Nullable
        ? new Typed("(" + left.Code + " || " + right.Code + ")", Kind.Bool, false)
        : new Typed("((bool?)(" + left.Code + ") | (bool?)(" + right.Code + "))", Kind.Bool, true);

    private static Typed Not(Typed operand) => operand.Nullable
        ? new Typed("(!(bool?)(" + operand.Code + "))", Kind.Bool, true)
        : new Typed("(!" + operand.Code + ")", Kind.Bool, false);

    private static bool IsNumeric(Kind kind) => kind is Kind.Int or Kind.Long or Kind.Double or Kind.Decimal;

    private static Typed Numeric(Typed value, string op, SqlSpan span)
    {
        if (!IsNumeric(value.Kind))
        {
            Fail("'" + op + "' needs numbers, not " + SqlType(value), span);
        }

        return value;
    }

    /// <summary>The type of arithmetic or a comparison over two numbers: the wider one (INTEGER, BIGINT, then DOUBLE or DECIMAL).</summary>
    private static Kind Promote(Typed left, Typed right, SqlExpr where)
    {
        if ((left.Kind == Kind.Double && right.Kind == Kind.Decimal) || (left.Kind == Kind.Decimal && right.Kind == Kind.Double))
        {
            Fail("This mixes DOUBLE and DECIMAL, whose roundings differ: CAST one of them to the other's type", where.Span);
        }

        return (Kind)Math.Max((int)left.Kind, (int)right.Kind);
    }

    /// <summary>Integer arithmetic wraps around, as Java's int and long do in Beam SQL (even in a project built with overflow checks).</summary>
    private static string Wrap(string code, Kind kind) => kind is Kind.Int or Kind.Long ? "unchecked" + code : code;

    private Typed Compare(Typed left, string op, Typed right, SqlExpr where)
    {
        string Apply(string a, string b)
        {
            var csharp = op == "=" ? "==" : op == "<>" ? "!=" : op;
            if (left.Kind == Kind.String && op is not ("=" or "<>"))
            {
                // Strings order by their UTF-16 code units, as Java's compareTo does.
                return "(string.CompareOrdinal(" + a + ", " + b + ") " + csharp + " 0)";
            }

            return "(" + a + " " + csharp + " " + b + ")";
        }

        if (left.Kind == Kind.Null || right.Kind == Kind.Null)
        {
            Fail("A comparison with NULL is never true: write IS NULL or IS NOT NULL", where.Span);
        }

        if (IsNumeric(left.Kind) && IsNumeric(right.Kind))
        {
            Promote(left, right, where);
        }
        else if (left.Kind != right.Kind || left.Kind == Kind.Other)
        {
            Fail("This compares " + SqlType(left) + " with " + SqlType(right) + (left.Kind == Kind.Other || right.Kind == Kind.Other ? "" : ": CAST one to the other's type"), where.Span);
        }
        else if (left.Kind == Kind.Bool && op is not ("=" or "<>"))
        {
            Fail("BOOLEAN values compare with = and <> only", where.Span);
        }

        return Lift(new[] { left, right }, values => Apply(values[0], values[1]), Kind.Bool);
    }

    /// <summary>
    /// <paramref name="compute"/> over the values; when any may be null, the result is null when one is (SQL's rule for
    /// operators and functions), the values read once each into pattern variables.
    /// </summary>
    private Typed Lift(Typed[] values, Func<string[], string> compute, Kind kind)
    {
        if (!values.Any(v => v.Nullable))
        {
            return new Typed(compute(values.Select(v => v.Code).ToArray()), kind, false);
        }

        var names = new string[values.Length];
        var tests = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].Nullable)
            {
                names[i] = "__sql" + (++_temps).ToString(CultureInfo.InvariantCulture);
                tests.Add(values[i].Code + " is { } " + names[i]);
            }
            else
            {
                names[i] = values[i].Code;
            }
        }

        var type = CSharpType(kind) + "?";
        return new Typed("(" + string.Join(" && ", tests) + " ? (" + type + ")" + compute(names) + " : null)", kind, true);
    }

    private Typed Case(SqlCase @case)
    {
        var conditions = new List<string>();
        var results = new List<(Typed Value, SqlSpan Span)>();
        var operand = @case.Operand is null ? (Typed?)null : Bind(@case.Operand);
        foreach (var when in @case.Whens)
        {
            var condition = operand is { } value ? Compare(value, "=", Bind(when.Condition), when.Condition) : Condition(when.Condition, "WHEN");
            conditions.Add(condition.Nullable ? "(" + condition.Code + ") == true" : condition.Code);
            results.Add((Bind(when.Result), when.Result.Span));
        }

        var otherwise = @case.Else is null ? new Typed("null", Kind.Null, true) : Bind(@case.Else);
        results.Add((otherwise, @case.Else?.Span ?? @case.Span));

        // The result type: the widest number, or the one type every branch has; NULL (or no ELSE) makes it nullable.
        var typed = results.Where(r => r.Value.Kind != Kind.Null).ToList();
        if (typed.Count == 0)
        {
            Fail("Every branch of this CASE is NULL: it has no type", @case.Span);
        }

        var kind = typed[0].Value.Kind;
        foreach (var (value, span) in typed.Skip(1))
        {
            if (IsNumeric(kind) && IsNumeric(value.Kind))
            {
                kind = Promote(new Typed(string.Empty, kind, false), value, @case);
            }
            else if (value.Kind != kind || kind == Kind.Other)
            {
                Fail("This CASE result is " + SqlType(value) + " where an earlier one is " + SqlType(typed[0].Value) + ": CAST them to one type", span);
            }
        }

        var nullable = results.Any(r => r.Value.Nullable);
        var type = CSharpType(kind) + (nullable ? "?" : string.Empty);
        var code = "(" + type + ")(" + otherwise.Code + ")";
        for (var i = conditions.Count - 1; i >= 0; i--)
        {
            code = "(" + conditions[i] + " ? (" + type + ")(" + results[i].Value.Code + ") : " + code + ")";
        }

        return new Typed(code, kind, nullable);
    }

    private Typed Cast(SqlCast cast)
    {
        var value = Bind(cast.Operand);
        var target = cast.TypeName switch
        {
            "INT" or "INTEGER" => Kind.Int,
            "BIGINT" => Kind.Long,
            "DOUBLE" or "FLOAT" => Kind.Double,
            "DECIMAL" or "NUMERIC" => Kind.Decimal,
            "BOOLEAN" => Kind.Bool,
            "VARCHAR" or "CHAR" or "STRING" => Kind.String,
            _ => throw Fail(cast.TypeName.Contains("(") ? "A type with a size or precision (" + cast.TypeName + ") is not supported yet" : "Unknown type " + cast.TypeName + ": INTEGER, BIGINT, DOUBLE, DECIMAL, BOOLEAN or VARCHAR", cast.TypeSpan),
        };

        if (value.Kind == target)
        {
            return value;
        }

        if (IsNumeric(value.Kind) && IsNumeric(target))
        {
            var type = CSharpType(target);

            // Numbers convert as C# casts do: a double to an integer truncates toward zero and saturates (as Java's does).
            return Lift(new[] { value }, v => Wrap("((" + type + ")" + v[0] + ")", target), target);
        }

        if (target == Kind.String && value.Kind is Kind.Int or Kind.Long or Kind.Bool)
        {
            return Lift(new[] { value }, v => value.Kind == Kind.Bool ? "(" + v[0] + " ? \"TRUE\" : \"FALSE\")" : v[0] + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture)", Kind.String);
        }

        throw Fail("CAST from " + SqlType(value) + " to " + cast.TypeName + " is not supported yet", cast.Span);
    }

    private Typed Call(SqlCall call)
    {
        switch (call.Name)
        {
            case "UPPER":
            case "LOWER":
                {
                    var value = Argument(call, 0, 1, Kind.String);
                    return Lift(new[] { value }, v => v[0] + (call.Name == "UPPER" ? ".ToUpperInvariant()" : ".ToLowerInvariant()"), Kind.String);
                }

            case "CHAR_LENGTH":
            case "CHARACTER_LENGTH":
                {
                    var value = Argument(call, 0, 1, Kind.String);
                    return Lift(new[] { value }, v => v[0] + ".Length", Kind.Int);
                }

            case "ABS":
                {
                    var value = Numeric(Argument(call, 0, 1, null), "ABS", call.Arguments[0].Span);

                    // Integers as Java's Math.abs: the minimum value stays itself (C#'s Math.Abs would throw).
                    return Lift(new[] { value }, v => value.Kind is Kind.Int or Kind.Long ? "(" + v[0] + " < 0 ? unchecked(-" + v[0] + ") : " + v[0] + ")" : "global::System.Math.Abs(" + v[0] + ")", value.Kind);
                }

            case "MOD":
                {
                    var left = Numeric(Argument(call, 0, 2, null), "MOD", call.Arguments[0].Span);
                    var right = Numeric(Argument(call, 1, 2, null), "MOD", call.Arguments[1].Span);
                    var kind = Promote(left, right, call);
                    return new Typed(Wrap("(" + left.Code + " % " + right.Code + ")", kind), kind, left.Nullable || right.Nullable);
                }

            case "COALESCE":
                return Coalesce(call);
            case "COUNT":
            case "SUM":
            case "AVG":
            case "MIN":
            case "MAX":
                throw Fail(call.Name + " is an aggregate: it needs GROUP BY (an aggregate over the whole table is not supported yet)", call.NameSpan);
            default:
                throw Fail("Unknown function " + call.Name + (call.Name is "TUMBLE" or "HOP" or "SESSION" or "TUMBLE_START" or "TUMBLE_END" or "HOP_START" or "HOP_END" or "SESSION_START" or "SESSION_END" ? ": window functions in GROUP BY are not supported yet; window the table's collection with Window(...) before the query, and GROUP BY groups each window's rows (as Beam SQL does for a windowed input)" : ": UPPER, LOWER, CHAR_LENGTH, ABS, MOD and COALESCE are supported"), call.NameSpan);
        }
    }

    /// <summary>COALESCE(a, b, ...): the first value that is not NULL; NULL only when every value may be and is.</summary>
    private Typed Coalesce(SqlCall call)
    {
        if (call.Arguments.Count < 2 || call.Star || call.Distinct)
        {
            Fail("COALESCE takes two or more arguments", call.Span);
        }

        var values = call.Arguments.Select(a => (Value: Bind(a), a.Span)).ToList();
        var typed = values.Where(v => v.Value.Kind != Kind.Null).ToList();
        if (typed.Count == 0)
        {
            Fail("Every argument of this COALESCE is NULL: it has no type", call.Span);
        }

        var kind = typed[0].Value.Kind;
        foreach (var (value, span) in typed.Skip(1))
        {
            if (IsNumeric(kind) && IsNumeric(value.Kind))
            {
                kind = Promote(new Typed(string.Empty, kind, false), value, call);
            }
            else if (value.Kind != kind || kind == Kind.Other)
            {
                Fail("This COALESCE argument is " + SqlType(value) + " where the first is " + SqlType(typed[0].Value) + ": CAST them to one type", span);
            }
        }

        // Values after the first that cannot be null are never reached: C# would warn, and SQL ignores them.
        var upTo = values.FindIndex(v => !v.Value.Nullable);
        var used = upTo < 0 ? values : values.Take(upTo + 1).ToList();
        var nullable = upTo < 0;
        var type = CSharpType(kind);
        var parts = used.Select((v, i) => "(" + type + (i == used.Count - 1 && !nullable ? string.Empty : "?") + ")(" + v.Value.Code + ")");
        return new Typed("(" + string.Join(" ?? ", parts) + ")", kind, nullable);
    }

    private Typed Argument(SqlCall call, int index, int count, Kind? kind)
    {
        if (call.Arguments.Count != count || call.Star || call.Distinct)
        {
            Fail(call.Name + " takes " + count + (count == 1 ? " argument" : " arguments"), call.Span);
        }

        var value = Bind(call.Arguments[index]);
        if (kind is { } expected && value.Kind != expected)
        {
            Fail(call.Name + " takes " + (expected == Kind.String ? "a VARCHAR" : expected.ToString()) + ", not " + SqlType(value), call.Arguments[index].Span);
        }

        return value;
    }

    // ----- names and messages -----

    /// <summary>The C# type of a computed value of <paramref name="kind"/> (not null).</summary>
    private static string CSharpType(Kind kind) => kind switch
    {
        Kind.Int => "int",
        Kind.Long => "long",
        Kind.Double => "double",
        Kind.Decimal => "decimal",
        Kind.Bool => "bool",
        _ => "string",
    };

    private static string SqlType(Typed value) => value.Kind switch
    {
        Kind.Int => "an INTEGER",
        Kind.Long => "a BIGINT",
        Kind.Double => "a DOUBLE",
        Kind.Decimal => "a DECIMAL",
        Kind.Bool => "a BOOLEAN",
        Kind.String => "a VARCHAR",
        Kind.Null => "NULL",
        _ => "a " + Display(value.Symbol!),
    };

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    private static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>"; did you mean 'x'?" for the nearest name (edit distance at most a third of the name), else the list of names.</summary>
    private static string Suggest(string name, IEnumerable<string> candidates, string listIntro)
    {
        var list = candidates.ToList();
        var best = list.Select(c => (Name: c, Distance: Distance(name.ToLowerInvariant(), c.ToLowerInvariant()))).OrderBy(c => c.Distance).FirstOrDefault();
        if (best.Name is not null && best.Distance <= Math.Max(1, name.Length / 3))
        {
            return "; did you mean '" + best.Name + "'?";
        }

        return list.Count == 0 ? string.Empty : "; " + listIntro + " " + string.Join(", ", list.Take(12)) + (list.Count > 12 ? ", ..." : string.Empty);
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
