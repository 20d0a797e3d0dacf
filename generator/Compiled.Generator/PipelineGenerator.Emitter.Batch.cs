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
            // ----- batch conveniences -----
            private void WriteResultsAndRun(SourceWriter w)
            {
                w.Line("/// <summary>Creates a runner (type arguments inferred from the sinks).</summary>");
                w.Line(GeneratedCode);
                w.Line(Surface + " static " + _runnerType + " CreateRunner" + TypeParameterList() + "(" + OptionsParameterFirst(_outputs.Count > 0) + string.Join(", ", _outputs.Select(o => SinkTypeParameter(o) + " " + Camel(o.Name!))) + ")");
                w.Indent++;
                foreach (var o in _outputs)
                {
                    w.Line("where " + SinkTypeParameter(o) + " : global::Compiled.ISink<" + o.InputType + ">");
                }

                w.Line("=> new " + _runnerType + "(" + OptionsArgumentFirst(_outputs.Count > 0) + string.Join(", ", _outputs.Select(o => Camel(o.Name!))) + ");");
                w.Indent--;
                w.Line();

                w.Line("/// <summary>The outputs of a batch run, collected in memory.</summary>");
                w.Line(GeneratedCode);
                w.Open(Surface + " sealed class Results");
                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line("private readonly " + ResultSinkType(_outputs[i]) + " _output" + N(i) + ";");
                }

                w.Line();
                w.Line("internal Results(" + string.Join(", ", _outputs.Select((o, i) => ResultSinkType(o) + " output" + N(i))) + ")");
                w.Open();
                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line("_output" + N(i) + " = output" + N(i) + ";");
                }

                w.Close();
                for (var i = 0; i < _outputs.Count; i++)
                {
                    var o = _outputs[i];
                    w.Line();
                    w.Line("/// <summary>The elements of output '" + Doc(o.Name) + "' (the values of <see cref=\"" + ResultsProperty(o) + "Elements\"/>, taken when first read).</summary>");
                    w.Line("public global::System.Collections.Generic.List<" + o.InputType + "> " + ResultsProperty(o) + " => _output" + N(i) + ".Values;");
                    w.Line();
                    w.Line("/// <summary>The elements of output '" + Doc(o.Name) + "' with their timestamps, windows and panes.</summary>");
                    w.Line("public global::System.Collections.Generic.List<global::Compiled.WindowedValue<" + o.InputType + ">> " + ResultsProperty(o) + "Elements => _output" + N(i) + ".Elements;");
                }

                w.Close();
                w.Line();

                WriteRun(w, span: true);
                if (_inputs.Any(i => i.Kind == TransformKind.CreateInput))
                {
                    WriteRun(w, span: false);
                }

                WriteParallelRun(w);
            }

            /// <summary>Run on several shards: each reads its part of every input; the exchanges meet in Finish.</summary>
            private void WriteParallelRun(SourceWriter w)
            {
                if (!_plan.ParallelBatch)
                {
                    return;
                }

                var parameters = _inputs.Select(i => (i.Kind == TransformKind.ReadLinesInput
                    ? "global::Compiled.TextInput "
                    : "global::System.ReadOnlyMemory<" + i.OutputTypes[0] + "> ") + Camel(i.Name!));
                w.Line("/// <summary>");
                w.Line("/// Runs the pipeline as a batch job on <paramref name=\"parallelism\"/> shards (threads), each over its part of every");
                w.Line("/// input, and collects every output in memory. Results equal the single-threaded Run's; only the order of different");
                w.Line("/// keys may differ. A key goes to one of <paramref name=\"maxParallelism\"/> key groups by a hash");
                w.Line("/// of its canonical encoding; key groups map to shards in contiguous ranges. A failure on any shard stops the others");
                w.Line("/// and surfaces here, naming the shard.");
                w.Line("/// </summary>");
                w.Line(GeneratedCode);
                w.Open(Surface + " static Results Run(" + OptionsParameterFirst(true) + string.Join(", ", parameters) + ", int parallelism, int maxParallelism = global::Compiled.Parallel.KeyGroups.DefaultMaxParallelism)");
                w.Line("global::Compiled.Parallel.KeyGroups.ValidateParallelism(parallelism, maxParallelism);");
                var runnerType = _outputs.Count == 0 ? "Runner" : "Runner<" + string.Join(", ", _outputs.Select(ResultSinkType)) + ">";
                foreach (var i in _inputs.Where(i => i.Kind == TransformKind.ReadLinesInput))
                {
                    w.Line("var Parts" + Names.ToPascal(i.Name!) + " = " + Camel(i.Name!) + ".Split(parallelism);");
                }

                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line("var Sinks" + N(i) + " = new " + ResultSinkType(_outputs[i]) + "[parallelism];");
                    w.Line(ResultSinkType(_outputs[i]) + "? Gathered" + N(i) + " = null;");
                }

                w.Line("var Shards = new " + runnerType + "[parallelism];");
                w.Line("using var Group = new " + ShardGroupType + "(parallelism);");
                w.Open("for (var __s = 0; __s < parallelism; __s++)");
                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line("Sinks" + N(i) + "[__s] = new " + ResultSinkType(_outputs[i]) + "();");
                }

                w.Line("Shards[__s] = new " + runnerType + "(" + OptionsArgumentFirst(_outputs.Count > 0) + string.Join(", ", _outputs.Select((o, i) => "Sinks" + N(i) + "[__s]")) + ");");
                if (AnyTriggeredView)
                {
                    w.Line("Shards[__s].__AsBatch();");
                }

                w.Close();
                w.Open("for (var __s = 0; __s < parallelism; __s++)");
                w.Line("Shards[__s].__JoinShards(Shards, __s, Group, maxParallelism);");
                w.Close();
                w.Open("try");
                w.Open("Group.Run(__s =>");
                w.Line("var Shard = Shards[__s];");
                var segment = 0;
                foreach (var i in _inputs)
                {
                    var name = Names.ToPascal(i.Name!);
                    if (TracksSegments)
                    {
                        w.Line("Shard.__StartSegment(" + N(segment++) + "); // the elements it routes from here come from input '" + Doc(i.Name!) + "'");
                    }

                    if (i.Kind == TransformKind.ReadLinesInput)
                    {
                        w.Open("if (__s < Parts" + name + ".Count)");
                        w.Line("Shard.Read" + name + "(Parts" + name + "[__s]);");
                        w.Close();
                    }
                    else
                    {
                        w.Line("var (Start" + name + ", Length" + name + ") = global::Compiled.Parallel.KeyGroups.Chunk(" + Camel(i.Name!) + ".Length, parallelism, __s);");
                        w.Line("Shard.Push" + name + "(" + Camel(i.Name!) + ".Span.Slice(Start" + name + ", Length" + name + "));");
                    }
                }

                if (TracksSegments)
                {
                    w.Line("Shard.__StartSegment(" + N(segment) + "); // and from here, from Finish");
                }

                w.Line("Shard.Finish();");
                if (_outputs.Count > 0)
                {
                    // One list per output, of the exact size, shard 0's part first: every shard copies its own part at once.
                    w.Open("if (parallelism > 1)");
                    w.Line("Group.SignalAndWait(); // every shard has its results: the sizes are known");
                    w.Open("if (__s == 0)");
                    for (var i = 0; i < _outputs.Count; i++)
                    {
                        w.Line("Gathered" + N(i) + " = " + ResultSinkType(_outputs[i]) + ".Allocate(Sinks" + N(i) + ");");
                    }

                    w.Close();
                    w.Line("Group.SignalAndWait();");
                    for (var i = 0; i < _outputs.Count; i++)
                    {
                        w.Line("Gathered" + N(i) + "!.CopyPart(Sinks" + N(i) + ", __s);");
                    }

                    w.Close();
                }

                w.Close(");");
                w.Close();
                w.Open("catch (global::Compiled.Parallel.ShardFailedException __e) when (__e.InnerException is global::Compiled.PipelineExecutionException __failure)");
                w.Line("// The failure as the caller sees it: the shard named, the element's index in the whole input where it is known.");
                var arrays = _inputs.Where(i => i.Kind != TransformKind.ReadLinesInput).ToList();
                if (arrays.Count == 0)
                {
                    w.Line("throw __failure.OnShard(__e.Shard, parallelism, -1);");
                }
                else
                {
                    w.Open("var __offset = __failure.Input switch");
                    foreach (var i in arrays)
                    {
                        w.Line(Literal(i.Name!) + " => (long)global::Compiled.Parallel.KeyGroups.Chunk(" + Camel(i.Name!) + ".Length, parallelism, __e.Shard).Start,");
                    }

                    w.Line("_ => -1L,");
                    w.Close(";");
                    w.Line("throw __failure.OnShard(__e.Shard, parallelism, __offset);");
                }

                w.Close();
                w.Line("return new Results(" + string.Join(", ", _outputs.Select((o, i) => "Gathered" + N(i) + " ?? Sinks" + N(i) + "[0]")) + ");");
                w.Close();
                w.Line();
            }

            private void WriteRun(SourceWriter w, bool span)
            {
                var parameters = _inputs.Select(i => (i.Kind == TransformKind.ReadLinesInput
                    ? "global::Compiled.TextInput "
                    : span ? "global::System.ReadOnlySpan<" + i.OutputTypes[0] + "> " : "global::System.Collections.Generic.IEnumerable<" + i.OutputTypes[0] + "> ") + Camel(i.Name!));
                w.Line("/// <summary>Runs the pipeline as a batch job over the given inputs and collects every output in memory.</summary>");
                if (_inputs.Any(i => i.Kind == TransformKind.ReadLinesInput))
                {
                    w.Line("/// <remarks>A text input reads a file, a stream or a text; lines already in memory (<see cref=\"global::Compiled.TextInput.FromLines\"/>) are used as they are, not copied.</remarks>");
                }

                w.Line(GeneratedCode);
                w.Open(Surface + " static Results Run(" + OptionsParameterFirst(_inputs.Count > 0) + string.Join(", ", parameters) + ")");
                // Locals start with a capital letter: the parameters, named after inputs, never do.
                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line("var Sink" + N(i) + " = new " + ResultSinkType(_outputs[i]) + "();");
                }

                var runnerType = _outputs.Count == 0 ? "Runner" : "Runner<" + string.Join(", ", _outputs.Select(ResultSinkType)) + ">";
                w.Line("var Pipeline = new " + runnerType + "(" + OptionsArgumentFirst(_outputs.Count > 0) + string.Join(", ", _outputs.Select((o, i) => "Sink" + N(i))) + ");");
                if (AnyTriggeredView)
                {
                    w.Line("Pipeline.__AsBatch();");
                }

                foreach (var i in _inputs)
                {
                    w.Line(i.Kind == TransformKind.ReadLinesInput
                        ? "Pipeline.Read" + Names.ToPascal(i.Name!) + "(" + Camel(i.Name!) + ");"
                        : "Pipeline.Push" + Names.ToPascal(i.Name!) + "(" + Camel(i.Name!) + ");");
                }

                w.Line("Pipeline.Finish();");
                w.Line("return new Results(" + string.Join(", ", _outputs.Select((o, i) => "Sink" + N(i))) + ");");
                w.Close();
                w.Line();
            }

            /// <summary>The sink that collects an output of a batch run (its elements in one list, its values taken from them).</summary>
            private static string ResultSinkType(TransformSpec output) => "global::Compiled.Execution.RunResultSink<" + output.InputType + ">";
        }
    }
}
