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
                w.Line(Surface + " static " + _runnerType + " CreateRunner" + TypeParameterList() + "(" + string.Join(", ", _outputs.Select(o => SinkTypeParameter(o) + " " + Camel(o.Name!))) + ")");
                w.Indent++;
                foreach (var o in _outputs)
                {
                    w.Line("where " + SinkTypeParameter(o) + " : global::Compiled.ISink<" + o.InputType + ">");
                }

                w.Line("=> new " + _runnerType + "(" + string.Join(", ", _outputs.Select(o => Camel(o.Name!))) + ");");
                w.Indent--;
                w.Line();

                w.Line("/// <summary>The outputs of a batch run, collected in memory.</summary>");
                w.Line(GeneratedCode);
                w.Open(Surface + " sealed class Results");
                w.Line("internal Results(" + string.Join(", ", _outputs.Select(o => "global::Compiled.ListSink<" + o.InputType + "> __" + Names.ToCamel(o.Name!))) + ")");
                w.Open();
                foreach (var o in _outputs)
                {
                    w.Line(Names.ToPascal(o.Name!) + " = __" + Names.ToCamel(o.Name!) + ".Items;");
                    w.Line(Names.ToPascal(o.Name!) + "Elements = __" + Names.ToCamel(o.Name!) + ".Elements;");
                }

                w.Close();
                foreach (var o in _outputs)
                {
                    w.Line();
                    w.Line("/// <summary>The elements of output '" + o.Name + "'.</summary>");
                    w.Line("public global::System.Collections.Generic.List<" + o.InputType + "> " + Names.ToPascal(o.Name!) + " { get; }");
                    w.Line();
                    w.Line("/// <summary>The elements of output '" + o.Name + "' with their timestamps, windows and panes.</summary>");
                    w.Line("public global::System.Collections.Generic.List<global::Compiled.WindowedValue<" + o.InputType + ">> " + Names.ToPascal(o.Name!) + "Elements { get; }");
                }

                w.Close();
                w.Line();

                WriteRun(w, span: true);
                if (_inputs.Any(i => i.Kind == TransformKind.CreateInput))
                {
                    WriteRun(w, span: false);
                }
            }

            private void WriteRun(SourceWriter w, bool span)
            {
                var parameters = _inputs.Select(i => (i.Kind == TransformKind.ReadLinesInput
                    ? "global::Compiled.TextInput "
                    : span ? "global::System.ReadOnlySpan<" + i.OutputTypes[0] + "> " : "global::System.Collections.Generic.IEnumerable<" + i.OutputTypes[0] + "> ") + Camel(i.Name!));
                w.Line("/// <summary>Runs the pipeline as a batch job over the given inputs and collects every output in memory.</summary>");
                w.Line(GeneratedCode);
                w.Open(Surface + " static Results Run(" + string.Join(", ", parameters) + ")");
                foreach (var o in _outputs)
                {
                    w.Line("var __" + Names.ToCamel(o.Name!) + "Sink = new global::Compiled.ListSink<" + o.InputType + ">();");
                }

                var runnerType = _outputs.Count == 0 ? "Runner" : "Runner<" + string.Join(", ", _outputs.Select(o => "global::Compiled.ListSink<" + o.InputType + ">")) + ">";
                w.Line("var __runner = new " + runnerType + "(" + string.Join(", ", _outputs.Select(o => "__" + Names.ToCamel(o.Name!) + "Sink")) + ");");
                foreach (var i in _inputs)
                {
                    w.Line(i.Kind == TransformKind.ReadLinesInput
                        ? "__runner.Read" + Names.ToPascal(i.Name!) + "(" + Camel(i.Name!) + ");"
                        : "__runner.Push" + Names.ToPascal(i.Name!) + "(" + Camel(i.Name!) + ");");
                }

                w.Line("__runner.Finish();");
                w.Line("return new Results(" + string.Join(", ", _outputs.Select(o => "__" + Names.ToCamel(o.Name!) + "Sink")) + ");");
                w.Close();
                w.Line();
            }
        }
    }
}
