namespace Compiled.Generator.Sql;

/// <summary>Aggregates lifted into a combine function: each one's fields, AddInput and MergeAccumulators steps, and result.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>
    /// An aggregate as fields of the group's accumulator (in the combine function, or a local filled by one loop over
    /// the group's rows), as Beam SQL's (BeamBuiltinAggregations): NULLs skipped, an aggregate of only NULLs NULL, an INTEGER sum wrapping, a BIGINT sum failing
    /// on overflow, AVG of integers truncated; a merge adds counts and sums and keeps the better MIN or MAX.
    /// </summary>
    private Typed LiftedAggregate(SqlCall call, Typed argument, GroupScope scope, string n)
    {
        var value = "__v" + n;
        string Each(string body) => EachValue(argument, value, body);
        string Read(string field) => ReadField(scope, field);

        if (call.Name == "COUNT")
        {
            if (call.Distinct)
            {
                throw new NotLiftable();
            }

            var count = Field(scope, "long");
            scope.Add.Add(argument.Nullable ? "if (" + argument.Code + " is not null) { a." + count + "++; }" : "a." + count + "++;");
            scope.Merge.Add("a." + count + " += b." + count + ";");
            return new Typed(Read(count), Kind.Long, false);
        }

        if (call.Distinct)
        {
            Fail(call.Name + "(DISTINCT ...) is not supported yet", call.Span);
        }

        var kind = argument.Kind;
        var type = kind == Kind.Timestamp ? PipelineGenerator.Parser.Fq(Underlying(argument.Symbol!)) : CSharpType(kind);
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
                    if (!average && !argument.Nullable)
                    {
                        // Every row has a value, and a group has a row: the sum alone, without a count to tell an empty one.
                        var total = Field(scope, sumType);
                        string Add(string a, string b) => kind == Kind.Long ? "checked(" + a + " + " + b + ")" : Wrap("(" + a + " + " + b + ")", kind);
                        scope.Add.Add("a." + total + " = " + Add("a." + total, argument.Code) + ";");
                        scope.Merge.Add("a." + total + " = " + Add("a." + total, "b." + total) + ";");
                        return new Typed(Read(total), kind, false);
                    }

                    var sum = Field(scope, sumType);
                    var count = Field(scope, "long");

                    // Beam SQL's sums: an INTEGER sum wraps (Sum.ofIntegers), a BIGINT sum fails on overflow (Math.addExact).
                    string Plus(string a, string b) => kind == Kind.Long && !average ? "checked(" + a + " + " + b + ")" : Wrap("(" + a + " + " + b + ")", kind);
                    scope.Add.Add(Each("a." + sum + " = " + Plus("a." + sum, value) + "; a." + count + "++;"));
                    scope.Merge.Add("if (b." + count + " > 0) { a." + sum + " = " + Plus("a." + sum, "b." + sum) + "; a." + count + " += b." + count + "; }");
                    var code = !average ? Read(sum)
                        : kind is Kind.Int or Kind.Long ? "(" + type + ")(" + Read(sum) + " / (" + Read(count) + " == 0 ? 1 : " + Read(count) + "))"
                        : "(" + Read(sum) + " / (" + Read(count) + " == 0 ? 1 : " + Read(count) + "))";
                    return new Typed(argument.Nullable ? "(" + Read(count) + " > 0 ? (" + type + "?)(" + code + ") : null)" : code, kind, argument.Nullable);
                }

            case "MIN":
            case "MAX":
                {
                    if (!IsNumeric(kind) && kind is not (Kind.String or Kind.Timestamp))
                    {
                        Fail(call.Name + " needs numbers or strings, not " + SqlType(argument), call.Arguments[0].Span);
                    }

                    var result = Field(scope, type);
                    var any = Field(scope, "bool");
                    var min = call.Name == "MIN";
                    string Better(string candidate, string current) => kind == Kind.String
                        ? "string.CompareOrdinal(" + candidate + ", " + current + ") " + (min ? "<" : ">") + " 0"
                        : candidate + " " + (min ? "<" : ">") + " " + current;
                    string Update(string candidate) => kind == Kind.Double
                        ? "a." + result + " = a." + any + " ? global::System.Math." + (min ? "Min" : "Max") + "(a." + result + ", " + candidate + ") : " + candidate + ";"
                        : "if (!a." + any + " || " + Better(candidate, "a." + result) + ") { a." + result + " = " + candidate + "; }";
                    scope.Add.Add(Each(Update(value) + " a." + any + " = true;"));
                    scope.Merge.Add("if (b." + any + ") { " + Update("b." + result) + " a." + any + " = true; }");
                    return new Typed(argument.Nullable ? "(" + Read(any) + " ? (" + type + "?)(" + Read(result) + ") : null)" : Read(result), kind, argument.Nullable, kind == Kind.Timestamp ? argument.Symbol : null);
                }

            default:
                throw Fail("Unknown aggregate " + call.Name, call.NameSpan);
        }
    }

    /// <summary>An AddInput step: <paramref name="body"/> with the row's value as <paramref name="value"/>, skipped where it is NULL.</summary>
    private static string EachValue(Typed argument, string value, string body) => argument.Nullable
        ? "if (" + argument.Code + " is { } " + value + ") { " + body + " }"
        : "{ var " + value + " = " + argument.Code + "; " + body + " }";

    /// <summary>A field of the group's accumulator as HAVING and SELECT read it: kv.Value when lifted, else the block's local.</summary>
    private static string ReadField(GroupScope scope, string field) => (scope.Lifted ? Group + ".Value." : "a.") + field;
}
