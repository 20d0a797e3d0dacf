using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Compiled.Generator.Sql;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            // ----- SQL queries (PipelineBuilder.Sql) -----

            /// <summary>The result row types the generator declares for the pipeline's queries, in order.</summary>
            private readonly List<SqlRowDeclaration> _sqlRows = new();

            /// <summary>
            /// The row type named in <c>p.Sql&lt;TopPage&gt;(...)</c> when no type of that name exists: a simple name the
            /// generator may declare in the pipeline class, and where it is written. Null (after a diagnostic where the name
            /// cannot be declared) when the type argument is anything else.
            /// </summary>
            private (string Name, Location Location)? DeclaredRowName(InvocationExpressionSyntax invocation, out bool reported)
            {
                reported = false;
                if (invocation.Expression is not MemberAccessExpressionSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments: { Count: 1 } arguments } } ||
                    arguments[0] is not IdentifierNameSyntax identifier)
                {
                    return null;
                }

                var name = identifier.Identifier.ValueText;
                var location = identifier.GetLocation();
                var pipeline = (INamedTypeSymbol)_context.TargetSymbol;
                if (_model.Compilation.GetSymbolsWithName(name, SymbolFilter.Type, _cancellationToken).FirstOrDefault() is ITypeSymbol existing)
                {
                    // A type of that name exists elsewhere (a missing using?): declaring another would hide the mistake.
                    Report(DiagnosticDescriptors.InvalidName, location,
                        "'" + name + "' is not in scope here, but " + existing.ToDisplayString() + " exists: add its using (or qualify it); the generator declares a row type only for a name no type has");
                    reported = true;
                    return null;
                }

                if (Names.ClassMembers.Contains(name) || name.StartsWith("__", System.StringComparison.Ordinal) ||
                    name == pipeline.Name || !pipeline.GetMembers(name).IsEmpty)
                {
                    Report(DiagnosticDescriptors.InvalidName, location,
                        "The row type '" + name + "' would be declared in " + pipeline.Name + ", which has a member of that name already; choose another name");
                    reported = true;
                    return null;
                }

                return (name, location);
            }

            /// <summary>
            /// <c>p.Sql&lt;TRow&gt;(query, t.AsTable("name"), ...)</c>: the query is parsed and bound against the tables'
            /// element types and <c>TRow</c>, and becomes the transforms it stands for: a Filter for WHERE, then a Map that
            /// builds each row. Each mistake is a CMP0025 diagnostic at its place inside the string.
            /// </summary>
            private Value? ApplySql(InvocationExpressionSyntax invocation, IMethodSymbol method, BoundCall call, int line)
            {
                var queryArgument = call["query"];
                if (queryArgument?.Expression is not { } queryExpression || queryArgument.Constant is not { HasValue: true, Value: string query })
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, queryArgument?.Location ?? invocation.GetLocation(), Shorten(queryArgument?.Text ?? invocation.ToString()), "the query must be a constant string, so that it is read at build time");
                    return null;
                }

                var tables = new List<SqlTableSymbol>();
                var functions = new List<SqlFunctionSymbol>();
                var ports = new List<PortRef>();
                var tablesArgument = call["tables"];
                foreach (var element in tablesArgument is null || tablesArgument.Elements.IsDefault ? System.Collections.Immutable.ImmutableArray<ExpressionSyntax>.Empty : tablesArgument.Elements)
                {
                    if (element is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Scalar" or "Aggregate" } } functionCall &&
                        BoundCall.Bind(_model, functionCall, _cancellationToken) is { Method.ContainingType.Name: "SqlFunction" } functionBound)
                    {
                        if (SqlFunctionOf(functionCall, functionBound, functions) is not { } function)
                        {
                            return null;
                        }

                        functions.Add(function);
                        continue;
                    }

                    if (element is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsTable" } access } asTable ||
                        BoundCall.Bind(_model, asTable, _cancellationToken) is not { } bound || bound.Method.Name != "AsTable")
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, element.GetLocation(), Shorten(element.ToString()), "name each table of the query in the call: collection.AsTable(\"name\")");
                        return null;
                    }

                    if (bound["name"]?.Constant is not { HasValue: true, Value: string name } || name.Length == 0)
                    {
                        Report(DiagnosticDescriptors.InvalidName, bound["name"]?.Location ?? asTable.GetLocation(), "A table name must be a non-empty constant string");
                        return null;
                    }

                    if (tables.Any(t => string.Equals(t.Name, name, System.StringComparison.OrdinalIgnoreCase)))
                    {
                        Report(DiagnosticDescriptors.InvalidName, bound["name"]!.Location, "The table name '" + name + "' is given twice; table names must be unique");
                        return null;
                    }

                    if (Evaluate(access.Expression) is not CollectionValue collection)
                    {
                        return null;
                    }

                    if (_model.GetTypeInfo(access.Expression, _cancellationToken).Type is not INamedTypeSymbol { TypeArguments.Length: 1 } collectionType)
                    {
                        return Unresolved(invocation);
                    }

                    var elementType = collectionType.TypeArguments[0];
                    IReadOnlyList<string>? columnNames = null;
                    if (elementType.TypeKind == TypeKind.Error && _sqlRows.FirstOrDefault(r => r.Name == elementType.Name) is { } declaredRow)
                    {
                        // The rows of an earlier query whose row type the generator declares: read as that record will be,
                        // each column by its name in that query (total_points, where the record has TotalPoints).
                        var record = ModelWithDeclaredRows().GetSpeculativeTypeInfo(
                            invocation.SpanStart, SyntaxFactory.ParseTypeName(Fq(_context.TargetSymbol as INamedTypeSymbol ?? throw new System.InvalidOperationException("a pipeline is a type")) + "." + elementType.Name),
                            SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
                        if (record is not INamedTypeSymbol { TypeKind: not TypeKind.Error, IsRecord: true })
                        {
                            return Unresolved(invocation);
                        }

                        elementType = record;
                        columnNames = declaredRow.Columns.Select(c => c.Column).ToList();
                    }

                    tables.Add(new SqlTableSymbol(name, elementType, tables.Count) { ColumnNames = columnNames });
                    ports.Add(collection.Port);
                }

                if (tables.Count == 0)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "give the query its tables: p.Sql<TRow>(query, events.AsTable(\"events\"))");
                    return null;
                }

                var rowType = method.TypeArguments[0];
                var reported = false;
                var declared = rowType.TypeKind == TypeKind.Error ? DeclaredRowName(invocation, out reported) : null;
                if (reported)
                {
                    return null;
                }

                if (declared is null && (rowType is not INamedTypeSymbol || rowType.TypeKind == TypeKind.Error))
                {
                    return Unresolved(invocation);
                }

                var map = SqlLiteralMap.For(queryExpression, query);
                var parsed = SqlParser.Parse(query);
                if (parsed.Error is { } syntaxError)
                {
                    Report(DiagnosticDescriptors.SqlError, map.Locate(syntaxError.Span), syntaxError.Message);
                    return null;
                }

                SqlBinding binding;
                string row;
                if (declared is { } rowName)
                {
                    // A row type named but declared nowhere: the generator declares it, nested in the pipeline class, with a
                    // member per column of the result (so the name the user wrote binds to it once the generated code is in).
                    row = Fq(_context.TargetSymbol as INamedTypeSymbol ?? throw new System.InvalidOperationException("a pipeline is a type")) + "." + rowName.Name;
                    var (bound, columns) = SqlBinder.BindDeclaringRow(parsed.Query!, tables, functions, row, _model.Compilation);
                    binding = bound;
                    if (columns is { } declaredColumns)
                    {
                        var declaration = new SqlRowDeclaration(rowName.Name, declaredColumns, query);
                        if (_sqlRows.FirstOrDefault(r => r.Name == rowName.Name) is { } earlier && !Equals(earlier.Columns, declaredColumns))
                        {
                            Report(DiagnosticDescriptors.InvalidName, rowName.Location,
                                "The row type '" + rowName.Name + "' is declared by another query with other columns (" + string.Join(", ", earlier.Columns.Select(c => c.Name)) + "); give this query's rows another name");
                            return null;
                        }

                        if (!_sqlRows.Any(r => r.Name == rowName.Name))
                        {
                            _sqlRows.Add(declaration);
                        }
                    }
                }
                else
                {
                    row = Fq(rowType);
                    binding = SqlBinder.Bind(parsed.Query!, tables, functions, rowType, _model.Compilation);
                }

                if (binding.Error is { } error)
                {
                    Report(DiagnosticDescriptors.SqlError, map.Locate(error.Span), error.Message);
                    return null;
                }

                var at = " (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
                foreach (var subquery in binding.Subqueries)
                {
                    // A subquery in FROM, built first (inner ones before outer): its rows are a table of the query around it.
                    tables.Add(subquery.Table);
                    var subqueryAt = " (subquery " + subquery.Table.Name + ", " + at.Substring(2);
                    var subqueryRow = Fq(subquery.Table.ElementType);
                    if (BuildQuery(subquery.Binding, tables, ports, subqueryRow, map, subqueryAt) is not { } built)
                    {
                        return null;
                    }

                    ports.Add(new PortRef(subquery.Binding.Ordering is { } inner ? Ordered(built, inner, subqueryRow, subqueryAt) : built, 0));
                }

                if (BuildQuery(binding, tables, ports, row, map, at) is not { } result)
                {
                    return null;
                }

                return Collection(binding.Ordering is { } ordering ? Ordered(result, ordering, row, at) : result);
            }

            /// <summary>
            /// ORDER BY ... LIMIT n (Beam SQL's BeamSortRel, Top.of) after the query's transform <paramref name="result"/>:
            /// the first n rows of each window, kept in a bounded heap per window (a CombineGlobally, lifted across
            /// exchanges), then emitted in their order. Returns the transform that emits them.
            /// </summary>
            private int Ordered(int result, SqlOrdering ordering, string row, string at)
            {
                var list = "global::System.Collections.Generic.IReadOnlyList<" + row + ">";
                var top = AddTransform(TransformKind.CombineGlobally, new[] { new PortRef(result, 0) }, row, new[] { list }, "Sql " + ordering.Description + at,
                    combine: new CombineFnSpec(
                        "global::Compiled.TopFn<" + row + ">",
                        "new global::Compiled.TopFn<" + row + ">(" + (ordering.Limit + ordering.Offset).ToString(System.Globalization.CultureInfo.InvariantCulture) + ", true, global::System.Collections.Generic.Comparer<" + row + ">.Create(" + ordering.Comparison + "))",
                        row,
                        "global::Compiled.TopAccumulator<" + row + ">",
                        list));
                _transforms[top] = _transforms[top] with { WithoutDefaults = true };
                return AddTransform(TransformKind.FlatMap, new[] { new PortRef(top, 0) }, list, new[] { row }, "Sql " + ordering.Description + " rows" + at, function: new FunctionSpec
                {
                    Parameters = new[]
                    {
                        new ParameterSpec("rows", list, null),
                        new ParameterSpec(SqlBinder.Output, "global::Compiled.IEmitter<" + row + ">", row),
                    }.ToEquatableArray(),
                    ReturnType = "void",
                    Body = "{\n            for (var i = " + ordering.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; i < rows.Count; i++)\n            {\n                " + SqlBinder.Output + ".Emit(rows[i]);\n            }\n        }",
                    LanesWhyNot = "it emits the rows of a list",
                    FromSql = true,
                });
            }

            /// <summary>
            /// <c>SqlFunction.Scalar("name", Type.Method)</c>: a static method the generated code can call; or
            /// <c>SqlFunction.Aggregate("name", new Fn())</c>: a struct combine function. Null after a diagnostic.
            /// </summary>
            private SqlFunctionSymbol? SqlFunctionOf(InvocationExpressionSyntax call, BoundCall bound, List<SqlFunctionSymbol> earlier)
            {
                if (bound["name"]?.Constant is not { HasValue: true, Value: string name } || !SyntaxFacts.IsValidIdentifier(name))
                {
                    Report(DiagnosticDescriptors.InvalidName, bound["name"]?.Location ?? call.GetLocation(), "A SQL function's name must be a constant identifier (letters, digits and '_')");
                    return null;
                }

                if (earlier.Any(f => string.Equals(f.Name, name, System.StringComparison.OrdinalIgnoreCase)) || SqlBinder.IsBuiltIn(name))
                {
                    Report(DiagnosticDescriptors.InvalidName, bound["name"]!.Location, "The SQL function name '" + name + "' is taken (by a built-in function or another of the query's); choose another");
                    return null;
                }

                if (bound.Method.Name == "Aggregate")
                {
                    var fnType = bound["fn"]?.Expression is { } fnExpression ? _model.GetTypeInfo(fnExpression, _cancellationToken).Type : null;
                    if (fnType is { IsValueType: false, TypeKind: not TypeKind.Error })
                    {
                        Report(DiagnosticDescriptors.InvalidCombineFn, bound["fn"]!.Location, Shorten(bound["fn"]!.Text), "a SQL aggregate's combine function must be a struct, made where the query calls it at no cost");
                        return null;
                    }

                    if (ParseCombineFn(bound["fn"], bound.Method, call) is not { } combine)
                    {
                        return null;
                    }

                    return new SqlFunctionSymbol(name, null, null, combine, bound.Method.TypeArguments[0], bound.Method.TypeArguments[2]);
                }

                var methodArgument = bound["method"]?.Expression;
                var info = methodArgument is null ? default : _model.GetSymbolInfo(methodArgument, _cancellationToken);
                var method = (info.Symbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] : null)) as IMethodSymbol;
                if (method is not { IsStatic: true, MethodKind: MethodKind.Ordinary } || methodArgument is LambdaExpressionSyntax ||
                    !_model.Compilation.IsSymbolAccessibleWithin(method, (INamedTypeSymbol)_context.TargetSymbol))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, methodArgument?.GetLocation() ?? call.GetLocation(), Shorten(methodArgument?.ToString() ?? call.ToString()),
                        "a SQL scalar function is a static method the pipeline class can call, named as a method group: SqlFunction.Scalar(\"slug\", Text.Slug)");
                    return null;
                }

                var code = Fq(method.ContainingType) + "." + method.Name + (method.IsGenericMethod ? "<" + string.Join(", ", method.TypeArguments.Select(Fq)) + ">" : string.Empty);
                return new SqlFunctionSymbol(name, method, code, null, null, null);
            }

            /// <summary>The transforms of the query's SELECTs (a Flatten of them for UNION ALL): the id of the last, or null after an error.</summary>
            private int? BuildQuery(SqlBinding binding, List<SqlTableSymbol> tables, List<PortRef> ports, string rowType, SqlLiteralMap map, string at)
            {
                if (binding.Unioned.Count == 0)
                {
                    return BuildSelect(binding, tables, ports, rowType, map, at, string.Empty);
                }

                // UNION ALL: each SELECT built on its own, then their rows are one collection (a Flatten).
                var selects = new List<PortRef>();
                foreach (var (each, i) in new[] { binding }.Concat(binding.Unioned).Select((b, i) => (b, i)))
                {
                    if (BuildSelect(each, tables, ports, rowType, map, at, " " + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { } built)
                    {
                        return null;
                    }

                    if (selects.Count > 0 && !Equals(_transforms[built].OutputWindowing, _transforms[selects[0].Node].OutputWindowing))
                    {
                        // As Beam SQL requires of the inputs of a set operation (and Beam of a Flatten).
                        Report(DiagnosticDescriptors.SqlError, map.Locate(each.Span), "This SELECT's rows are windowed differently from the first SELECT's: UNION ALL joins rows of the same windowing, so window both alike");
                        return null;
                    }

                    selects.Add(new PortRef(built, 0));
                }

                return AddTransform(TransformKind.Flatten, selects, rowType, new[] { rowType }, "Sql UNION ALL" + at);
            }

            /// <summary>The transforms of one SELECT, from its tables to its result rows: the id of the last, or null after an error.</summary>
            private int? BuildSelect(SqlBinding binding, List<SqlTableSymbol> tables, List<PortRef> ports, string rowType, SqlLiteralMap map, string at, string number)
            {
                var table = tables[binding.Table];
                var elementType = Fq(table.ElementType);
                at = number.Length == 0 ? at : " (SELECT" + number + ", " + at.Substring(2);
                var port = ports[binding.Table];
                if (binding.Eager is { } eager && EagerAggregationApplies(binding, eager, ports))
                {
                    return BuildEagerAggregation(binding, eager, tables, ports, rowType, at);
                }

                foreach (var join in binding.Joins)
                {
                    // A join (Beam SQL's BeamCoGBKJoinRel): both tables keyed by their side of ON, grouped together per key
                    // and window, then paired; the rest of the query reads the joined rows (a KV of the left and right row).
                    var rightType = Fq(tables[join.Right].ElementType);
                    var leftKeyed = "global::Compiled.KV<" + join.KeyType + ", " + elementType + ">";
                    var rightKeyed = "global::Compiled.KV<" + join.KeyType + ", " + rightType + ">";
                    var cogrouped = "global::Compiled.KV<" + join.KeyType + ", global::Compiled.CoGbkResult<" + elementType + ", " + rightType + ">>";
                    var leftKeys = AddTransform(TransformKind.Map, new[] { port }, elementType, new[] { leftKeyed }, "Sql JOIN key " + join.LeftName + at,
                        function: SqlFunction(elementType, leftKeyed, "new " + leftKeyed + "(" + join.LeftKey + ", " + SqlBinder.Row + ")"));
                    var rightKeys = AddTransform(TransformKind.Map, new[] { ports[join.Right] }, rightType, new[] { rightKeyed }, "Sql JOIN key " + join.RightName + at,
                        function: SqlFunction(rightType, rightKeyed, "new " + rightKeyed + "(" + join.RightKey + ", " + SqlBinder.Row + ")"));
                    var inputs = new[] { new PortRef(leftKeys, 0), new PortRef(rightKeys, 0) };
                    if (!Equals(_transforms[leftKeys].OutputWindowing, _transforms[rightKeys].OutputWindowing))
                    {
                        // As Beam SQL requires of a join of two windowed inputs (and Beam of any CoGroupByKey).
                        Report(DiagnosticDescriptors.SqlError, map.Locate(join.Span), "The joined tables are windowed differently: a join pairs rows of the same window, so window both alike before the query");
                        return null;
                    }

                    if (_transforms[leftKeys].OutputWindowing is { } joined && (joined.TriggerCode is not null || joined.LatenessMs > 0 || joined.Accumulating))
                    {
                        // As Beam SQL's BeamJoinRel requires (a trigger known to fire once per window): a join's pairs of one
                        // pane cannot be taken back by a later pane, so a window that fires twice would give wrong pairs.
                        Report(DiagnosticDescriptors.SqlError, map.Locate(join.Span),
                            "A join pairs each window's rows once, and these tables' windows can fire more than once (" +
                            (joined.TriggerCode is not null ? "a trigger" : joined.LatenessMs > 0 ? "allowed lateness" : "accumulating panes") +
                            "): a later pane cannot take back the pairs of an earlier one. Join tables with the default trigger, no allowed lateness and discarding panes, as Beam SQL requires");
                        return null;
                    }

                    var grouped = AddTransform(TransformKind.CoGroupByKey, inputs, leftKeyed, new[] { cogrouped }, "Sql JOIN" + at);
                    var paired = AddTransform(TransformKind.FlatMap, new[] { new PortRef(grouped, 0) }, cogrouped, new[] { join.RowType }, "Sql " + JoinName(join.Kind) + " rows" + at,
                        function: PairingFunction(cogrouped, join.RowType, join.Body));
                    port = new PortRef(paired, 0);
                    elementType = join.RowType;
                }

                foreach (var semi in binding.Semis)
                {
                    if (BuildSemiJoin(semi, port, elementType, tables, ports, map, at) is not { } kept)
                    {
                        return null;
                    }

                    port = new PortRef(kept, 0);
                }

                if (binding.Where is not null)
                {
                    var filter = AddTransform(TransformKind.Filter, new[] { port }, elementType, new[] { elementType }, "Sql WHERE" + at, function: SqlFunction(elementType, "bool", binding.Where));
                    port = new PortRef(filter, 0);
                }

                if (binding.Grouping is { } grouping)
                {
                    return BuildGrouping(grouping, port, elementType, rowType, at);
                }

                return AddTransform(TransformKind.Map, new[] { port }, elementType, new[] { rowType }, "Sql SELECT" + at, function: SqlFunction(elementType, rowType, binding.Select));
            }

            /// <summary>
            /// Whether a grouped join's eager plan may be used: the aggregated table is windowed as the other table, by a
            /// window function that does not merge (sessions merge per key, and the other side's rows are keyed apart),
            /// and fires each window once (the default trigger, no allowed lateness, discarding), so that its accumulator per
            /// key and window is final when it meets the other side. Else the plain plan (which reports what a join refuses).
            /// </summary>
            private bool EagerAggregationApplies(SqlBinding binding, SqlEagerAggregation eager, List<PortRef> ports)
            {
                var join = binding.Joins[0];
                var aggregated = _transforms[(eager.AggregatesLeft ? ports[binding.Table] : ports[join.Right]).Node].OutputWindowing;
                var other = _transforms[(eager.AggregatesLeft ? ports[join.Right] : ports[binding.Table]).Node].OutputWindowing;
                return Equals(aggregated, other) &&
                    (aggregated is null || (!aggregated.HasMergingFn && aggregated.TriggerCode is null && aggregated.LatenessMs == 0 && !aggregated.Accumulating));
            }

            /// <summary>
            /// A grouped join planned eagerly (see <see cref="SqlEagerAggregation"/>): the aggregated table's rows filtered,
            /// keyed by the join key and combined per key and window; the other table keyed; the accumulators and those rows
            /// grouped together per key and window and paired; the pairs filtered by the rest of WHERE, then grouped, each
            /// group merging the accumulators of its pairs.
            /// </summary>
            private int BuildEagerAggregation(SqlBinding binding, SqlEagerAggregation eager, List<SqlTableSymbol> tables, List<PortRef> ports, string rowType, string at)
            {
                var join = binding.Joins[0];
                var (aggregatedIndex, otherIndex) = eager.AggregatesLeft ? (binding.Table, join.Right) : (join.Right, binding.Table);
                var (aggregatedName, otherName) = eager.AggregatesLeft ? (join.LeftName, join.RightName) : (join.RightName, join.LeftName);
                var aggregatedType = Fq(tables[aggregatedIndex].ElementType);
                var otherType = Fq(tables[otherIndex].ElementType);
                var port = ports[aggregatedIndex];
                if (eager.PreWhere is not null)
                {
                    port = new PortRef(AddTransform(TransformKind.Filter, new[] { port }, aggregatedType, new[] { aggregatedType }, "Sql WHERE " + aggregatedName + at,
                        function: SqlFunction(aggregatedType, "bool", eager.PreWhere)), 0);
                }

                var keyed = "global::Compiled.KV<" + join.KeyType + ", " + aggregatedType + ">";
                var keys = AddTransform(TransformKind.Map, new[] { port }, aggregatedType, new[] { keyed }, "Sql JOIN key " + aggregatedName + at,
                    function: SqlFunction(aggregatedType, keyed, "new " + keyed + "(" + eager.AggregatedKey + ", " + SqlBinder.Row + ")"));
                var accumulator = eager.PreLift.AccumulatorType;
                var combinedType = "global::Compiled.KV<" + join.KeyType + ", " + accumulator + ">";
                var name = "__SqlAggregates" + _transforms.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var label = "Sql GROUP BY, aggregated per join key before the join" + at;
                var combined = AddTransform(TransformKind.CombinePerKey, new[] { new PortRef(keys, 0) }, keyed, new[] { combinedType }, label,
                    combine: SqlCombine(name, label, aggregatedType, accumulator, eager.PreLift));
                var otherKeyed = "global::Compiled.KV<" + join.KeyType + ", " + otherType + ">";
                var otherKeys = AddTransform(TransformKind.Map, new[] { ports[otherIndex] }, otherType, new[] { otherKeyed }, "Sql JOIN key " + otherName + at,
                    function: SqlFunction(otherType, otherKeyed, "new " + otherKeyed + "(" + eager.OtherKey + ", " + SqlBinder.Row + ")"));
                var (first, second) = eager.AggregatesLeft ? (accumulator, otherType) : (otherType, accumulator);
                var cogrouped = "global::Compiled.KV<" + join.KeyType + ", global::Compiled.CoGbkResult<" + first + ", " + second + ">>";
                var inputs = eager.AggregatesLeft ? new[] { new PortRef(combined, 0), new PortRef(otherKeys, 0) } : new[] { new PortRef(otherKeys, 0), new PortRef(combined, 0) };
                var grouped = AddTransform(TransformKind.CoGroupByKey, inputs, eager.AggregatesLeft ? combinedType : otherKeyed, new[] { cogrouped }, "Sql JOIN" + at);
                var paired = AddTransform(TransformKind.FlatMap, new[] { new PortRef(grouped, 0) }, cogrouped, new[] { eager.RowType }, "Sql " + JoinName(join.Kind) + " accumulators" + at,
                    function: PairingFunction(cogrouped, eager.RowType, eager.Body));
                port = new PortRef(paired, 0);
                if (eager.PostWhere is not null)
                {
                    port = new PortRef(AddTransform(TransformKind.Filter, new[] { port }, eager.RowType, new[] { eager.RowType }, "Sql WHERE" + at, function: SqlFunction(eager.RowType, "bool", eager.PostWhere)), 0);
                }

                return BuildGrouping(eager.Grouping, port, eager.RowType, rowType, at);
            }

            /// <summary>
            /// <c>WHERE x [NOT] IN (SELECT y ...)</c>: the rows so far and the subquery's rows, each keyed by its value (a NULL
            /// one dropped first: it is in nothing), grouped together per key and window (a CoGroupByKey, as a join), and
            /// each row kept once when its key has a subquery row (IN) or has none (NOT IN). The id of the last transform.
            /// </summary>
            private int? BuildSemiJoin(SqlSemiJoinPlan semi, PortRef port, string elementType, List<SqlTableSymbol> tables, List<PortRef> ports, SqlLiteralMap map, string at)
            {
                var what = semi.What;
                var subqueryType = Fq(tables[semi.Table].ElementType);
                var subqueryPort = ports[semi.Table];
                if (semi.RowFilter is not null)
                {
                    port = new PortRef(AddTransform(TransformKind.Filter, new[] { port }, elementType, new[] { elementType }, "Sql " + what + " value" + at, function: SqlFunction(elementType, "bool", semi.RowFilter)), 0);
                }

                if (semi.SubqueryFilter is not null)
                {
                    subqueryPort = new PortRef(AddTransform(TransformKind.Filter, new[] { subqueryPort }, subqueryType, new[] { subqueryType }, "Sql " + what + " subquery value" + at,
                        function: SqlFunction(subqueryType, "bool", semi.SubqueryFilter)), 0);
                }

                var rowKeyed = "global::Compiled.KV<" + semi.KeyType + ", " + elementType + ">";
                var subqueryKeyed = "global::Compiled.KV<" + semi.KeyType + ", " + subqueryType + ">";
                var rowKeys = AddTransform(TransformKind.Map, new[] { port }, elementType, new[] { rowKeyed }, "Sql " + what + " key" + at,
                    function: SqlFunction(elementType, rowKeyed, "new " + rowKeyed + "(" + semi.RowKey + ", " + SqlBinder.Row + ")"));
                var subqueryKeys = AddTransform(TransformKind.Map, new[] { subqueryPort }, subqueryType, new[] { subqueryKeyed }, "Sql " + what + " subquery key" + at,
                    function: SqlFunction(subqueryType, subqueryKeyed, "new " + subqueryKeyed + "(" + semi.SubqueryKey + ", " + SqlBinder.Row + ")"));
                if (!Equals(_transforms[rowKeys].OutputWindowing, _transforms[subqueryKeys].OutputWindowing))
                {
                    Report(DiagnosticDescriptors.SqlError, map.Locate(semi.Span), "The rows and the subquery of this " + what + " are windowed differently: " + what + " looks for a value among the subquery's rows of the same window, so window both alike");
                    return null;
                }

                if (_transforms[rowKeys].OutputWindowing is { } windowing && (windowing.TriggerCode is not null || windowing.LatenessMs > 0 || windowing.Accumulating))
                {
                    Report(DiagnosticDescriptors.SqlError, map.Locate(semi.Span),
                        what + " (SELECT ...) decides each window's rows once, and these windows can fire more than once (" +
                        (windowing.TriggerCode is not null ? "a trigger" : windowing.LatenessMs > 0 ? "allowed lateness" : "accumulating panes") +
                        "): a later pane cannot take back a row an earlier one kept. Use the default trigger, no allowed lateness and discarding panes, as a join needs");
                    return null;
                }

                var cogrouped = "global::Compiled.KV<" + semi.KeyType + ", global::Compiled.CoGbkResult<" + elementType + ", " + subqueryType + ">>";
                var grouped = AddTransform(TransformKind.CoGroupByKey, new[] { new PortRef(rowKeys, 0), new PortRef(subqueryKeys, 0) }, rowKeyed, new[] { cogrouped }, "Sql " + what + " (SELECT ...)" + at);
                return AddTransform(TransformKind.FlatMap, new[] { new PortRef(grouped, 0) }, cogrouped, new[] { elementType }, "Sql " + what + " rows" + at,
                    function: PairingFunction(cogrouped, elementType, semi.Body));
            }

            private static string JoinName(SqlJoinKind kind) => kind switch
            {
                SqlJoinKind.Left => "LEFT JOIN",
                SqlJoinKind.Right => "RIGHT JOIN",
                SqlJoinKind.Full => "FULL JOIN",
                _ => "JOIN",
            };

            /// <summary>A join's pairing block as a FlatMap's function: the key's group of both sides, and the emitter of joined rows.</summary>
            private static FunctionSpec PairingFunction(string cogrouped, string rowType, string body) => new()
            {
                Parameters = new[]
                {
                    new ParameterSpec(SqlBinder.Group, cogrouped, null),
                    new ParameterSpec(SqlBinder.Output, "global::Compiled.IEmitter<" + rowType + ">", rowType),
                }.ToEquatableArray(),
                ReturnType = "void",
                Body = body,
                LanesWhyNot = "it pairs the rows of a join",
                FromSql = true,
            };

            /// <summary>A query's aggregates as a combine function, a struct the emitter writes (named <paramref name="name"/> in the pipeline class).</summary>
            private CombineFnSpec SqlCombine(string name, string label, string inputType, string accumulator, SqlLift lift)
            {
                var fnType = Fq(_context.TargetSymbol as INamedTypeSymbol ?? throw new System.InvalidOperationException("a pipeline is a type")) + "." + name;
                return new CombineFnSpec(fnType, "default(" + fnType + ")", inputType, accumulator, accumulator)
                {
                    Sql = new SqlCombineSpec(name, label, lift.AddBody, lift.MergeBody),
                };
            }

            /// <summary>GROUP BY over the rows at <paramref name="port"/>: the id of the transform that builds the result rows.</summary>
            private int BuildGrouping(SqlGrouping grouping, PortRef port, string elementType, string rowType, string at)
            {
                // GROUP BY: each row keyed, grouped (per window, under the input's windowing and triggers, as Beam SQL
                // groups), then per group HAVING and the result row, each computing its aggregates over the group's rows.
                if (grouping.Window is { } window)
                {
                    // A window function (Beam SQL's BeamAggregationRel): each row re-timed by its time column, with any
                    // skew, then windowed; the input's trigger, lateness and accumulation stay, as Window.into keeps them.
                    var timed = AddTransform(TransformKind.WithTimestamps, new[] { port }, elementType, new[] { elementType }, "Sql " + window.Function + " timestamps" + at,
                        function: SqlFunction(elementType, "global::Compiled.Instant", window.TimestampCode));
                    _transforms[timed] = _transforms[timed] with { AnySkew = true };
                    var spec = (_transforms[timed].OutputWindowing ?? new WindowSpec(window.Kind, 0, 0, 0)) with
                    {
                        Kind = window.Kind,
                        SizeMs = window.SizeMs,
                        PeriodMs = window.PeriodMs,
                        OffsetMs = 0,
                        CustomType = null,
                        CustomMerging = false,
                        SizeOption = null,
                        SizeOptionParameter = null,
                        AlreadyMerged = false,
                    };
                    var windowed = AddTransform(TransformKind.Window, new[] { new PortRef(timed, 0) }, elementType, new[] { elementType }, "Sql " + window.Function + " window " + spec.Describe() + at, windowing: spec);
                    port = new PortRef(windowed, 0);
                }

                var keyed = "global::Compiled.KV<" + grouping.KeyType + ", " + elementType + ">";
                var keys = AddTransform(TransformKind.Map, new[] { port }, elementType, new[] { keyed }, "Sql GROUP BY key" + at,
                    function: SqlFunction(elementType, keyed, "global::Compiled.KV.Of<" + grouping.KeyType + ", " + elementType + ">(" + grouping.KeyCode + ", " + SqlBinder.Row + ")"));
                string groupType;
                if (grouping.Lift is { } lift)
                {
                    // The aggregates as one combine function, a struct the emitter writes: each group is an accumulator,
                    // combined where the rows are (before an exchange) and merged after, as CombinePerKey lifts a combine.
                    groupType = "global::Compiled.KV<" + grouping.KeyType + ", " + lift.AccumulatorType + ">";
                    var name = "__SqlAggregates" + _transforms.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    var combined = AddTransform(TransformKind.CombinePerKey, new[] { new PortRef(keys, 0) }, keyed, new[] { groupType }, "Sql GROUP BY" + at,
                        combine: SqlCombine(name, "Sql GROUP BY" + at, elementType, lift.AccumulatorType, lift));
                    port = new PortRef(combined, 0);
                }
                else
                {
                    groupType = "global::Compiled.KV<" + grouping.KeyType + ", global::System.Collections.Generic.IReadOnlyList<" + elementType + ">>";
                    var groups = AddTransform(TransformKind.GroupByKey, new[] { new PortRef(keys, 0) }, keyed, new[] { groupType }, "Sql GROUP BY" + at);
                    port = new PortRef(groups, 0);
                }

                if (grouping.Having is not null)
                {
                    var having = AddTransform(TransformKind.Filter, new[] { port }, groupType, new[] { groupType }, "Sql HAVING" + at, function: SqlFunction(groupType, "bool", grouping.Having, SqlBinder.Group));
                    port = new PortRef(having, 0);
                }

                var select = AddTransform(TransformKind.Map, new[] { port }, groupType, new[] { rowType }, "Sql SELECT" + at,
                    function: SqlFunction(groupType, rowType, grouping.Select, SqlBinder.Group, grouping.ReadsWindow));
                if (grouping.ReadsWindow)
                {
                    _transforms[select] = _transforms[select] with { ReadsContext = true };
                }

                return select;
            }

            private static FunctionSpec SqlFunction(string parameterType, string returnType, string body, string parameter = SqlBinder.Row, bool readsContext = false) => new()
            {
                Parameters = (readsContext
                    ? new[] { new ParameterSpec(parameter, parameterType, null), new ParameterSpec(SqlBinder.Context, "global::Compiled.ElementContext", null) }
                    : new[] { new ParameterSpec(parameter, parameterType, null) }).ToEquatableArray(),
                ReturnType = returnType,
                Body = body,
                IsExpressionBody = !body.StartsWith("{", System.StringComparison.Ordinal),
                LanesWhyNot = "it is a SQL clause over records",
                FromSql = true,
            };
        }
    }
}
