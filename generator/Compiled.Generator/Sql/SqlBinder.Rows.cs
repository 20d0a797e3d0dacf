using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Helpers;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// A column of a result row type the generator declares: its C# name and type, as the record declares them, and its
/// name in the query (by which another query reads it).
/// </summary>
internal sealed record SqlRowColumn(string Name, string Type, string Column);

/// <summary>
/// A result row type the generator declares (<c>p.Sql&lt;TopPage&gt;(...)</c> with no <c>TopPage</c> anywhere): a
/// positional record nested in the pipeline class, with a member per column of the query's result, in order, each
/// named as the column in Pascal case (<c>page_views</c> becomes <c>PageViews</c>) and typed as the column computes.
/// </summary>
internal sealed record SqlRowDeclaration(string Name, EquatableArray<SqlRowColumn> Columns, string Query)
{
    /// <summary>The record's declaration after its accessibility: <c>sealed partial record Name(Type Member, ...);</c>.</summary>
    public string Declaration => "sealed partial record " + Name + "(" + string.Join(", ", Columns.Select(c => c.Type + " " + c.Name)) + ");";
}

/// <summary>Result rows of a type the generator declares.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>The row type the generator declares, shared by the binders of a UNION ALL's SELECTs: its first SELECT declares its columns.</summary>
    private sealed class GeneratedRow
    {
        public GeneratedRow(string fullName) => FullName = fullName;

        /// <summary>The record's name as the generated code writes it (global::Ns.Pipeline.TopPage).</summary>
        public string FullName { get; }

        public List<(string Name, ITypeSymbol Type, string TypeText, string Column)>? Columns { get; set; }
    }

    private GeneratedRow? _generatedRow;

    /// <summary>
    /// Binds a query whose row type the generator declares as <paramref name="fullName"/>: the binding, and the record's
    /// columns (null after an error).
    /// </summary>
    public static (SqlBinding Binding, EquatableArray<SqlRowColumn>? Columns) BindDeclaringRow(
        SqlQuery query, IReadOnlyList<SqlTableSymbol> tables, IReadOnlyList<SqlFunctionSymbol> functions, string fullName, Compilation compilation)
    {
        var row = new GeneratedRow(fullName);
        var binding = Bind(query, tables, functions, null, compilation, row);
        return (binding, binding.Error is null ? row.Columns!.Select(c => new SqlRowColumn(c.Name, c.TypeText, c.Column)).ToEquatableArray() : null);
    }

    /// <summary>
    /// A row of the declared type: the first SELECT names its members (its columns in Pascal case) and types (what each
    /// column computes); every other SELECT of a UNION ALL fills the same members, by position, as in SQL.
    /// </summary>
    private string ConstructGenerated(List<(string Name, Typed Value, SqlSpan Span)> items)
    {
        var row = _generatedRow!;
        if (row.Columns is null)
        {
            var columns = new List<(string Name, ITypeSymbol Type, string TypeText, string Column)>();
            foreach (var (name, value, span) in items)
            {
                var member = MemberName(name);
                if (member.Length == 0 || !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(member) || member == "EqualityContract" ||
                    Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(member) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None)
                {
                    Fail("The column '" + name + "' cannot name a member of the row type the generator declares: rename it with AS (letters, digits and '_')", span);
                }

                if (columns.FirstOrDefault(c => c.Name == member) is { Name: not null } clash)
                {
                    Fail("The columns '" + name + "' and another become the same member '" + member + "' of the row type the generator declares: rename one with AS", span);
                }

                var type = SymbolOf(value);
                if (FindUnnameable(type) is { } unnameable)
                {
                    Fail("This column is of type " + unnameable + ", which a declared row type cannot name: CAST it, or declare the row type yourself", span);
                }

                var text = PipelineGenerator.Parser.Fq(type);
                text += value.Nullable && !type.IsValueType && !text.EndsWith("?", StringComparison.Ordinal) ? "?" : string.Empty;
                columns.Add((member, type, text, name));
            }

            row.Columns = columns;
            return "new " + row.FullName + "(" + string.Join(", ", items.Select(i => i.Value.Code)) + ")";
        }

        if (items.Count != row.Columns.Count)
        {
            Fail("This SELECT has " + items.Count.ToString(CultureInfo.InvariantCulture) + " columns and the first has " + row.Columns.Count.ToString(CultureInfo.InvariantCulture) +
                ": the SELECTs of a UNION ALL give the same columns", items.Count > 0 ? items[0].Span : default);
        }

        return "new " + row.FullName + "(" + string.Join(", ", items.Select((item, i) =>
            Convert(item.Value, row.Columns[i].Type, "column " + (i + 1).ToString(CultureInfo.InvariantCulture) + " of the first SELECT, " + row.Columns[i].Name, item.Span))) + ")";
    }

    /// <summary>A column's name as a member: its parts between '_' each capitalized (page_views: PageViews; pageViews: PageViews).</summary>
    private static string MemberName(string column) =>
        string.Concat(column.Split(new[] { '_' }, StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part.Substring(1)));

    /// <summary>An anonymous or otherwise unnameable type inside <paramref name="type"/>, or null.</summary>
    private static string? FindUnnameable(ITypeSymbol type) => type switch
    {
        INamedTypeSymbol { IsAnonymousType: true } => "an anonymous type",
        INamedTypeSymbol named when !named.CanBeReferencedByName && !named.IsTupleType && named.SpecialType == SpecialType.None && named.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T => "'" + named.Name + "'",
        INamedTypeSymbol named => named.TypeArguments.Select(FindUnnameable).FirstOrDefault(u => u is not null),
        IArrayTypeSymbol array => FindUnnameable(array.ElementType),
        _ => null,
    };

    /// <summary>The result's columns as ORDER BY reads them from a row: each member's name and type.</summary>
    private List<(string Name, ITypeSymbol Type)> RowMembers() => _generatedRow is { Columns: { } columns }
        ? columns.Select(c => (c.Name, c.Type)).ToList()
        : _rowType is null && _resultTuple is INamedTypeSymbol tuple
            ? _resultColumns.Select((c, i) => (c, TupleItem(tuple, i) is IFieldSymbol f ? f.Type : TypeOf(TupleItem(tuple, i)))).ToList()
            : Columns(_rowType!).Select(m => (m.Name, TypeOf(m))).ToList();

    /// <summary>How the row's member of a result column is read: a subquery's row is a value tuple, read by position.</summary>
    private string RowAccess(string memberName) =>
        _rowType is null && _generatedRow is null && _resultTuple is not null
            ? "Item" + (_resultColumns.FindIndex(c => string.Equals(c, memberName, StringComparison.OrdinalIgnoreCase)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Identifier(memberName);

    /// <summary>How a message names the result row type.</summary>
    private string RowTypeName => _generatedRow is { } row ? "the row type the generator declares (" + row.FullName.Substring(row.FullName.LastIndexOf('.') + 1) + ")" : Display(_rowType!);
}
