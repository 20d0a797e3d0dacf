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
                w.Line("internal Results(" + string.Join(", ", _outputs.Select((o, i) => "global::Compiled.ListSink<" + o.InputType + "> output" + N(i))) + ")");
                w.Open();
                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line(ResultsProperty(_outputs[i]) + " = output" + N(i) + ".Items;");
                    w.Line(ResultsProperty(_outputs[i]) + "Elements = output" + N(i) + ".Elements;");
                }

                w.Close();
                foreach (var o in _outputs)
                {
                    w.Line();
                    w.Line("/// <summary>The elements of output '" + Doc(o.Name) + "'.</summary>");
                    w.Line("public global::System.Collections.Generic.List<" + o.InputType + "> " + ResultsProperty(o) + " { get; }");
                    w.Line();
                    w.Line("/// <summary>The elements of output '" + Doc(o.Name) + "' with their timestamps, windows and panes.</summary>");
                    w.Line("public global::System.Collections.Generic.List<global::Compiled.WindowedValue<" + o.InputType + ">> " + ResultsProperty(o) + "Elements { get; }");
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
                // Locals start with a capital letter: the parameters, named after inputs, never do.
                for (var i = 0; i < _outputs.Count; i++)
                {
                    w.Line("var Sink" + N(i) + " = new global::Compiled.ListSink<" + _outputs[i].InputType + ">();");
                }

                var runnerType = _outputs.Count == 0 ? "Runner" : "Runner<" + string.Join(", ", _outputs.Select(o => "global::Compiled.ListSink<" + o.InputType + ">")) + ">";
                w.Line("var Pipeline = new " + runnerType + "(" + string.Join(", ", _outputs.Select((o, i) => "Sink" + N(i))) + ");");
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
        }
    }
}
