using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class Session
        {
            // ----- user functions -----
            private static string FunctionName(TransformSpec t) => "__" + t.Kind + N(t.Id);

            /// <summary>The runner's field holding the pipeline options it was created with.</summary>
            private const string OptionsField = "__options";

            /// <summary>The name of the options parameter of CreateRunner, Run and CreateParallelRunner.</summary>
            private const string OptionsArgument = "pipelineOptions";

            /// <summary>"TOptions pipelineOptions, " before the other parameters, when the pipeline has options.</summary>
            private string OptionsParameterFirst(bool more) =>
                _spec.OptionsType is null ? string.Empty : _spec.OptionsType + " " + OptionsArgument + (more ? ", " : string.Empty);

            /// <summary>"pipelineOptions, " before the other arguments, when the pipeline has options.</summary>
            private string OptionsArgumentFirst(bool more) =>
                _spec.OptionsType is null ? string.Empty : OptionsArgument + (more ? ", " : string.Empty);

            /// <summary>The combine functions compiled from SQL queries' aggregates, each a struct the runner calls directly.</summary>
            /// <summary>The result row types of the pipeline's queries that the generator declares: positional records.</summary>
            private void WriteSqlRows(SourceWriter w)
            {
                if (_spec.SqlRows.Count == 0)
                {
                    return;
                }

                w.Line("#nullable enable");
                foreach (var row in _spec.SqlRows)
                {
                    w.Line("/// <summary>A result row of the query below, declared by the generator: a member per column, in order.</summary>");
                    w.Line("/// <remarks>");
                    w.Line("/// <code>");
                    foreach (var line in row.Query.Trim().Split('\n'))
                    {
                        w.Line("/// " + System.Security.SecurityElement.Escape(line.TrimEnd('\r')));
                    }

                    w.Line("/// </code>");
                    w.Line("/// </remarks>");
                    w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Compiled.Generator\", \"0.1.0\")]");
                    w.Line((_spec.SurfaceIsInternal ? "internal " : "public ") + row.Declaration);
                    w.Line();
                }

                w.Line("#nullable restore");
                w.Line();
            }

            private void WriteSqlCombines(SourceWriter w)
            {
                foreach (var t in _t.Where(t => t.Combine?.Sql is not null))
                {
                    var c = t.Combine!;
                    var sql = c.Sql!;
                    w.Line("// " + sql.Label + ": the query's aggregates as one combine function, so each group keeps an accumulator, not its rows,");
                    w.Line("// and shards merge accumulators (compiled from the query)");
                    w.Open("private readonly struct " + sql.Name + " : global::Compiled.ICombineFn<" + c.InputType + ", " + c.AccumulatorType + ", " + c.OutputType + ">");
                    w.Line("public " + c.AccumulatorType + " CreateAccumulator() => default;");
                    w.Line();
                    w.Line(Inline);
                    w.Open("public void AddInput(ref " + c.AccumulatorType + " a, " + c.InputType + " row)");
                    foreach (var line in sql.AddBody.Split('\n'))
                    {
                        w.Line(line);
                    }

                    w.Close();
                    w.Line();
                    w.Open("public void MergeAccumulators(ref " + c.AccumulatorType + " a, " + c.AccumulatorType + " b)");
                    foreach (var line in sql.MergeBody.Split('\n'))
                    {
                        w.Line(line);
                    }

                    w.Close();
                    w.Line();
                    w.Line("public " + c.OutputType + " ExtractOutput(" + c.AccumulatorType + " a) => a;");
                    w.Close();
                    w.Line();
                }
            }

            private void WriteFunctions(SourceWriter w)
            {
                var any = false;
                foreach (var (t, fn, name) in UserFunctions().Where(f => f.Fn.Body is not null))
                {
                    if (!any)
                    {
                        w.Line(_spec.NullableEnabled ? "#nullable enable" : "#nullable disable");
                        any = true;
                    }

                    var typeParameters = new List<string>();
                    var constraints = new List<string>();
                    var parameters = new List<string>();
                    foreach (var p in fn.Parameters)
                    {
                        if (p.EmitterOf is not null)
                        {
                            var tp = "__T" + Names.ToPascal(p.Name.TrimStart('@'));
                            typeParameters.Add(tp);
                            constraints.Add("where " + tp + " : struct, global::Compiled.IEmitter<" + p.EmitterOf + ">");
                            parameters.Add(tp + " " + p.Name);
                        }
                        else
                        {
                            parameters.Add(p.Modifier + p.Type + " " + p.Name);
                        }
                    }

                    if (fn.OptionsParameter is not null)
                    {
                        // The lambda reads the pipeline options: they come from the runner, as its last argument.
                        parameters.Add(_spec.OptionsType + " " + fn.OptionsParameter);
                    }

                    w.Line("// " + t.Label + (name == FunctionName(t) ? string.Empty : " " + name.Substring(2).TrimEnd("0123456789".ToCharArray())) +
                           (fn.FromSql ? " (compiled from the query, called directly from the fused loop" : " (the user's lambda, called directly from the fused loop") +
                           (fn.OptionsParameter is null ? string.Empty : "; it reads the pipeline options") + ")");
                    w.Line(Inline);
                    var signature = "private static " + fn.ReturnType + " " + name +
                                    (typeParameters.Count > 0 ? "<" + string.Join(", ", typeParameters) + ">" : string.Empty) +
                                    "(" + string.Join(", ", parameters) + ")";
                    if (constraints.Count > 0)
                    {
                        w.Line(signature);
                        w.Indent++;
                        foreach (var c in constraints)
                        {
                            w.Line(c);
                        }

                        w.Indent--;
                    }
                    else
                    {
                        w.Line(signature);
                    }

                    // The body is the user's text, mapped back to its place in the declaration (#line), so that
                    // compiler messages and breakpoints land in the user's lambda. Continuation lines keep their
                    // original columns for that mapping.
                    var path = fn.FilePath ?? _spec.FilePath;
                    var mapped = path.Length > 0 && fn.BodyLine > 0;
                    var prefix = fn.IsExpressionBody ? new string(' ', (w.Indent + 1) * 4) + "=> " : new string(' ', w.Indent * 4);
                    if (mapped)
                    {
                        w.Raw("#line (" + N(fn.BodyLine) + ", " + N(fn.BodyColumn) + ") - (" + N(fn.BodyEndLine) + ", " + N(fn.BodyEndColumn) + ") " +
                              N(prefix.Length + 1) + " \"" + path + "\"");
                    }

                    var bodyLines = fn.Body!.Replace("\r\n", "\n").Split('\n');
                    for (var i = 0; i < bodyLines.Length; i++)
                    {
                        var text = (i == 0 ? prefix : string.Empty) + bodyLines[i].TrimEnd() + (fn.IsExpressionBody && i == bodyLines.Length - 1 ? ";" : string.Empty);
                        w.Raw(text);
                    }

                    if (mapped)
                    {
                        w.Raw("#line default");
                    }

                    w.Line();
                }

                if (any)
                {
                    w.Line("#nullable enable");
                    w.Line();
                }

                foreach (var t in _t.Where(t => t.Kind == TransformKind.Window && t.Windowing?.SizeOption is not null))
                {
                    w.Line("// " + t.Label + ": the window " + (t.Windowing!.Kind == "Sessions" ? "gap" : "size") + " as written, read from the pipeline options when a runner is created");
                    w.Line("private static global::System.TimeSpan " + WindowSizeFunction(t) + "(" + _spec.OptionsType + " " + t.Windowing.SizeOptionParameter + ") => " + t.Windowing.SizeOption + ";");
                    w.Line();
                }
            }

            private static string WindowSizeFunction(TransformSpec t) => "__WindowSize" + N(t.Id);

            /// <summary>A window transform's size (or gap) in milliseconds: a literal, or the runner's field read from the options.</summary>
            private static string WindowSize(TransformSpec t) =>
                t.Windowing!.SizeOption is null ? t.Windowing.SizeMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L" : "_windowSize" + N(t.Id);

            private string Call(TransformSpec t, params string[] args) => CallFunction(t.Function!, FunctionName(t), args);

            /// <summary>A call of a user function: its method group, or the static method its lambda was re-emitted as.</summary>
            private static string CallFunction(FunctionSpec fn, string name, params string[] args)
            {
                if (fn.MethodGroup is not null)
                {
                    return fn.MethodGroup + "(" + string.Join(", ", args) + ")";
                }

                return name + "(" + string.Join(", ", fn.OptionsParameter is null ? args : args.Concat(new[] { OptionsField })) + ")";
            }

            /// <summary>Every user function of the pipeline with the name it is emitted under: transforms' functions, and a stateful ParDo's callbacks.</summary>
            private IEnumerable<(TransformSpec T, FunctionSpec Fn, string Name)> UserFunctions()
            {
                foreach (var t in _t)
                {
                    if (t.Function is { } fn)
                    {
                        yield return (t, fn, FunctionName(t));
                    }

                    if (t.Stateful?.OnTimer is { } onTimer)
                    {
                        yield return (t, onTimer, OnTimerName(t));
                    }

                    if (t.Stateful?.OnWindowExpiration is { } onExpiration)
                    {
                        yield return (t, onExpiration, OnWindowExpirationName(t));
                    }
                }
            }
        }
    }
}
