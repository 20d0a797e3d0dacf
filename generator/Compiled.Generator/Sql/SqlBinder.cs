using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Sql;

/// <summary>A table given to a query: its name and element type (its columns are the type's public properties and fields).</summary>
internal sealed record SqlTableSymbol(string Name, ITypeSymbol ElementType, int Index)
{
    /// <summary>For a subquery's rows (a value tuple): the names of its columns, in the order of the tuple's items.</summary>
    public IReadOnlyList<string>? ColumnNames { get; init; }
}

/// <summary>A subquery in FROM: the table its rows are to the query around it, and its own binding.</summary>
internal sealed record SqlSubqueryBinding(SqlTableSymbol Table, SqlBinding Binding);

/// <summary>
/// What a bound query becomes: the table it reads (an index into the tables given), the WHERE condition as a C#
/// expression over the parameter <see cref="SqlBinder.Row"/> (null: none), and the C# expression that builds a result
/// row from it. Or the first error, at its place in the query.
/// </summary>
internal sealed record SqlBinding(int Table, string? Where, string Select, SqlDiagnostic? Error)
{
    /// <summary>For a query with GROUP BY: how rows are keyed, filtered and built per group (then <see cref="Select"/> is unused).</summary>
    public SqlGrouping? Grouping { get; init; }

    /// <summary>The subqueries in FROM (at any depth), inner ones first: each is built before the query that reads it.</summary>
    public IReadOnlyList<SqlSubqueryBinding> Subqueries { get; init; } = Array.Empty<SqlSubqueryBinding>();

    /// <summary>For a join: each step, from the left (how the rows so far and the next table are keyed and paired); WHERE and the rest then read the joined rows.</summary>
    public IReadOnlyList<SqlJoinPlan> Joins { get; init; } = Array.Empty<SqlJoinPlan>();

    /// <summary>For <c>WHERE x [NOT] IN (SELECT ...)</c>: each semi-join of the rows so far, in order, before the rest of WHERE.</summary>
    public IReadOnlyList<SqlSemiJoinPlan> Semis { get; init; } = Array.Empty<SqlSemiJoinPlan>();

    /// <summary>
    /// For a grouped join of two tables whose aggregates read one of them: the plan that aggregates that table before the
    /// join (used where its windowing allows; else the plain plan of <see cref="Joins"/> and <see cref="Grouping"/>).
    /// </summary>
    public SqlEagerAggregation? Eager { get; init; }

    /// <summary>For UNION ALL: the other SELECTs, each bound on its own; the rows of all are one collection (a Flatten).</summary>
    public EquatableArray<SqlBinding> Unioned { get; init; } = EquatableArray<SqlBinding>.Empty;

    /// <summary>For ORDER BY ... LIMIT (or LIMIT alone): the first rows of each window, in order.</summary>
    public SqlOrdering? Ordering { get; init; }

    /// <summary>Where the SELECT is in the query (for an error about it as a whole).</summary>
    public SqlSpan Span { get; init; }
}

/// <summary>
/// A grouped query: each row keyed by <see cref="KeyCode"/> (a C# expression over <see cref="SqlBinder.Row"/> of type
/// <see cref="KeyType"/>), grouped, then per group (a <c>KV</c> of the key and the group's rows, the parameter
/// <see cref="SqlBinder.Group"/>) the HAVING condition and the result row, each a block that computes the aggregates it
/// reads, a loop over the group's rows for each.
/// </summary>
internal sealed record SqlGrouping(string KeyType, string KeyCode, string? Having, string Select)
{
    /// <summary>The window function of GROUP BY (TUMBLE, HOP, SESSION); null: the rows are grouped in the windows they have.</summary>
    public SqlWindowing? Window { get; init; }

    /// <summary>The SELECT reads its window's start or end: its block takes the element's context as <see cref="SqlBinder.Context"/> too.</summary>
    public bool ReadsWindow { get; init; }

    /// <summary>
    /// The aggregates as one combine function (all but COUNT(DISTINCT) combine): a group is then an accumulator, not
    /// its rows, and HAVING and SELECT read <c>kv.Value</c>, the accumulator. Null: the group's rows are kept.
    /// </summary>
    public SqlLift? Lift { get; init; }
}

/// <summary>A grouped query's aggregates as a combine function: its accumulator (a value tuple type) and the bodies of AddInput and MergeAccumulators.</summary>
internal sealed record SqlLift(string AccumulatorType, string AddBody, string MergeBody);

/// <summary>
/// Checks a parsed query against the tables' element types and the result row type, and translates it into C#
/// expressions with SQL's semantics: integer arithmetic wraps as Java's does in Beam SQL, integer division truncates,
/// strings compare by UTF-16 code units, and a column that may be null (a <c>string?</c>, an <c>int?</c>) brings SQL's
/// three-valued logic: a comparison with NULL is unknown, AND and OR follow Kleene's tables (C#'s <c>bool?</c>
/// <c>&amp;</c> and <c>|</c>), and WHERE keeps a row only when its condition is true.
/// </summary>
internal sealed partial class SqlBinder
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

        /// <summary>A point in time (a DateTimeOffset, DateTime or Instant): compared, MIN and MAX, EXTRACT.</summary>
        Timestamp,
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
    private readonly IReadOnlyList<SqlFunctionSymbol> _functions;
    /// <summary>The result row type; null for a subquery, whose rows are a value tuple of its columns.</summary>
    private readonly ITypeSymbol? _rowType;
    /// <summary>The tables the query reads (one, or the two of a join), as the translated code reaches their rows.</summary>
    private List<Source> _sources = new();
    private int _temps;

    /// <summary>The names of the result's columns, in order (for ORDER BY's positions and names).</summary>
    private List<string> _resultColumns = new();

    /// <summary>The SELECT list's expressions with their column names, which ORDER BY may repeat.</summary>
    private readonly List<(string Name, SqlExpr Expr)> _selectExprs = new();

    /// <summary>While binding a grouped query's HAVING and SELECT: the group keys (their row code and how to read them from the group), and the aggregates' statements so far.</summary>
    private GroupScope? _group;

    private sealed class GroupScope
    {
        public List<(string RowCode, Typed Key)> Keys { get; } = new();

        public List<string> Statements { get; } = new();

        /// <summary>The aggregates are lifted into a combine function: each adds fields to its accumulator.</summary>
        public bool Lifted { get; init; }

        /// <summary>The types of the accumulator's fields (Item1, Item2, ...).</summary>
        public List<string> Fields { get; } = new();

        /// <summary>AddInput's statements, over <c>a</c> and <c>row</c>.</summary>
        public List<string> Add { get; } = new();

        /// <summary>MergeAccumulators' statements, over <c>a</c> and <c>b</c>.</summary>
        public List<string> Merge { get; } = new();
    }

    private SqlBinder(Compilation compilation, IReadOnlyList<SqlTableSymbol> tables, IReadOnlyList<SqlFunctionSymbol> functions, ITypeSymbol? rowType)
    {
        _compilation = compilation;
        _tables = tables;
        _functions = functions;
        _rowType = rowType;
    }

    /// <summary>
    /// Binds <paramref name="query"/>: its translation (for UNION ALL, the first SELECT's, with the others in
    /// <see cref="SqlBinding.Unioned"/>), or its first error.
    /// </summary>
    public static SqlBinding Bind(SqlQuery query, IReadOnlyList<SqlTableSymbol> tables, IReadOnlyList<SqlFunctionSymbol> functions, ITypeSymbol rowType, Compilation compilation) =>
        Bind(query, tables, functions, rowType, compilation, null);

    private static SqlBinding Bind(SqlQuery query, IReadOnlyList<SqlTableSymbol> tables, IReadOnlyList<SqlFunctionSymbol> functions, ITypeSymbol? rowType, Compilation compilation, GeneratedRow? generatedRow)
    {
        try
        {
            // Each SELECT of a UNION ALL is bound on its own (its tables, windows and groups are its own), each into the row type.
            var subqueries = new List<SqlSubqueryBinding>();
            var binders = query.Selects.Select(_ => new SqlBinder(compilation, tables, functions, rowType) { _subqueries = subqueries, _generatedRow = generatedRow }).ToList();
            var selects = query.Selects.Select((select, i) => binders[i].BindSelect(select)).ToList();
            return selects[0] with { Unioned = selects.Skip(1).ToEquatableArray(), Ordering = binders[0].BindOrdering(query), Subqueries = subqueries };
        }
        catch (BindError error)
        {
            return new SqlBinding(-1, null, string.Empty, error.Diagnostic);
        }
    }

    private static Exception Fail(string message, SqlSpan span) => throw new BindError(new SqlDiagnostic(message, span));

    private static string NotYet(string what) => what + " is not supported yet: today a query is SELECT ... FROM a table or a join of two [WHERE ...] [GROUP BY ... [HAVING ...]], or SELECTs joined by UNION ALL";

    private SqlBinding BindSelect(SqlSelect select)
    {
        select = RewriteScalarSubqueries(select);
        if (select.Distinct)
        {
            select = Distinct(select);
        }

        List<SqlJoinPlan> joins = new();
        switch (select.From)
        {
            case SqlJoin joined:
                var conjuncts = select.Where is null ? new List<SqlExpr>() : Conjuncts(select.Where).ToList();
                var before = conjuncts.Count;
                joins = BindJoins(joined, conjuncts);
                if (conjuncts.Count != before)
                {
                    // Equalities that became keys of a table listed in FROM leave WHERE; the others stay, in their order.
                    select = select with { Where = And(conjuncts) };
                }

                break;
            case SqlSubquery subquery:
                _sources.Add(new Source(BindSubquery(subquery), subquery.Alias, Row, false));
                break;
            case SqlTableRef table:
                _sources.Add(new Source(Table(table), table.Alias, Row, false));
                break;
        }

        string? where = null;
        var semis = new List<SqlSemiJoinPlan>();
        if (select.Where is not null && Conjuncts(select.Where).Any(c => c is SqlInQuery or SqlExists))
        {
            (semis, where) = BindWhere(select.Where);
        }
        else if (select.Where is not null)
        {
            var condition = Bind(select.Where);
            if (condition.Kind != Kind.Bool)
            {
                Fail("WHERE needs a condition (a BOOLEAN), not " + SqlType(condition), select.Where.Span);
            }

            // A row passes only when its condition is true: unknown (NULL) drops it, as false does.
            where = condition.Nullable ? "(" + condition.Code + ") == true" : condition.Code;
        }

        // Aggregates without GROUP BY (or HAVING alone) make the whole table one group, per window.
        if (select.GroupBy.Count > 0 || select.Having is not null || select.Items.Any(i => i.Expr is not null && ContainsAggregate(i.Expr)))
        {
            var grouping = BindGrouping(select);
            return new SqlBinding(_sources[0].Table.Index, where, string.Empty, null)
            {
                Grouping = grouping,
                Joins = joins,
                Semis = semis,
                Eager = joins.Count == 1 && semis.Count == 0 ? BindEagerAggregation(select, joins[0], grouping) : null,
                Span = select.Span,
            };
        }

        return new SqlBinding(_sources[0].Table.Index, where, Construct(select), null) { Joins = joins, Semis = semis, Span = select.Span };
    }

    // ----- the result row -----

    private string Construct(SqlSelect select)
    {
        var items = new List<(string Name, Typed Value, SqlSpan Span)>();
        _selectExprs.Clear();
        foreach (var item in select.Items)
        {
            if (item.IsStar)
            {
                foreach (var source in item.StarQualifier is null ? _sources : new List<Source> { SourceOf(item.StarQualifier, item.Span) })
                {
                    foreach (var (columnName, member) in SourceColumns(source))
                    {
                        // A name taken already (the same column in both tables of a join) is made unique as Calcite
                        // makes it in Beam SQL: order_id, then order_id0, order_id1.
                        var unique = columnName;
                        for (var n = 0; items.Any(i => string.Equals(i.Name, unique, StringComparison.OrdinalIgnoreCase)); n++)
                        {
                            unique = columnName + n.ToString(CultureInfo.InvariantCulture);
                        }

                        items.Add((unique, Column(member, source), item.Span));
                    }
                }

                continue;
            }

            var value = Bind(item.Expr!);
            // A later SELECT of a UNION ALL into a declared row fills its members by position: its names do not matter.
            var name = item.Alias ?? (item.Expr as SqlColumn)?.Name ?? (_generatedRow is { Columns: not null } || _unionTuple is { Types: not null } ? "#" + items.Count.ToString(CultureInfo.InvariantCulture) : null) ??
                throw Fail("Name this column with AS: it becomes " + (_rowType is null && _generatedRow is null ? "the subquery's column" : "the member of " + RowTypeName) + " with that name", item.Span);
            if (value.Kind == Kind.Null)
            {
                Fail("NULL alone has no type: CAST it, or select a column", item.Span);
            }

            items.Add((name, value, item.Span));
            _selectExprs.Add((name, item.Expr!));
        }

        foreach (var group in items.GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            Fail("Two columns of the result are named '" + group.Key + "': rename one with AS", group.Skip(1).First().Span);
        }

        _resultColumns = items.Select(i => i.Name).ToList();
        if (_generatedRow is not null)
        {
            return ConstructGenerated(items);
        }

        if (_rowType is null)
        {
            return _unionTuple is { Types: { } types } ? ConstructUnionedTuple(items, types) : ConstructTuple(items.Select(i => i.Value).ToList());
        }

        var row = (INamedTypeSymbol)_rowType;
        var rowName = PipelineGenerator.Parser.Fq(row);

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

        if (FromInstant(value, target) is { } converted)
        {
            return converted;
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

    private Typed Column(ISymbol member, Source source)
    {
        var type = TypeOf(member);
        var code = source.Access + "." + Identifier(member.Name);
        if (source.Outer)
        {
            // The outer side of a LEFT JOIN: a left row without a match has NULL in each of its columns. Read through a
            // pair that may be missing (row.Key?.Value), a struct row that is there whenever the pair is takes '.': the
            // '?.' before it already makes the whole read NULL.
            var access = source.Through && !source.Own && source.Table.ElementType.IsValueType ? "." : "?.";
            code = "(" + source.Access + access + Identifier(member.Name) + ")";
            type = type.IsValueType
                ? type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? type : _compilation.GetSpecialType(SpecialType.System_Nullable_T).Construct(type)
                : type.WithNullableAnnotation(NullableAnnotation.Annotated);
        }

        return Classify(code, type);
    }

    /// <summary>A C# value of <paramref name="type"/> as a SQL value: its SQL type, and whether it may be NULL.</summary>
    private static Typed Classify(string code, ITypeSymbol type)
    {
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
            _ when IsTime(underlying) => Kind.Timestamp,
            _ => Kind.Other,
        };

        return new Typed(code, kind, nullable, type);
    }

    /// <summary>The table a qualifier names: once a table has an alias, the alias names it (as in standard SQL).</summary>
    private Source SourceOf(string qualifier, SqlSpan span) =>
        _sources.FirstOrDefault(s => string.Equals(qualifier, s.Name, StringComparison.OrdinalIgnoreCase)) ??
        throw Fail("Unknown table or alias '" + qualifier + "': the query reads " + string.Join(" and ", _sources.Select(s => s.Alias is null ? "'" + s.Table.Name + "'" : "'" + s.Table.Name + "' as '" + s.Alias + "'")), new SqlSpan(span.Start, qualifier.Length));

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
        Kind.Timestamp => "a TIMESTAMP",
        _ => ("AEIOU".IndexOf(Display(value.Symbol!)[0]) >= 0 ? "an " : "a ") + Display(value.Symbol!),
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
