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
            /// <summary>A Push method that pulls its elements from a source, one loop (or two nested) around the fused body.</summary>
            private void WritePullingPush(SourceWriter w, string name, string summary, string? remarks, string signature, string source, params string[] loops)
            {
                w.Line(summary);
                if (remarks is not null)
                {
                    w.Line(remarks);
                }

                w.Open(signature);
                w.Line("global::System.ArgumentNullException.ThrowIfNull(" + source + ");");
                w.Line("ThrowIfFinished();");
                w.Line("var timestamp = global::Compiled.Instant.MinValue;");
                foreach (var loop in loops)
                {
                    w.Open(loop);
                }

                w.Line("__elementsIn_" + name + "++;");
                WriteTick(w);
                w.Line("On" + name + "(element, timestamp);");
                WriteEndBundle(w);
                foreach (var _ in loops)
                {
                    w.Close();
                }

                w.Close();
                w.Line();
            }

            private void WriteInput(SourceWriter w, TransformSpec input)
            {
                _currentInput = input;
                var name = Names.ToPascal(input.Name!);
                var type = input.OutputTypes[0];
                var id = N(input.Id);
                w.Line("/// <summary>Pushes one element into input '" + input.Name + "' (timestamp: the minimum, as for a bounded source without timestamps).</summary>");
                w.Line("public void Push" + name + "(" + type + " element) => Push" + name + "(element, global::Compiled.Instant.MinValue);");
                w.Line();
                w.Line("/// <summary>Pushes one element with its event timestamp into input '" + input.Name + "'.</summary>");
                w.Open("public void Push" + name + "(" + type + " element, global::Compiled.Instant timestamp)");
                w.Line("ThrowIfFinished();");
                w.Line("__elementsIn_" + name + "++;");
                WriteTick(w);
                w.Line("On" + name + "(element, timestamp);");
                WriteEndBundle(w);
                w.Close();
                w.Line();
                w.Line("/// <summary>Pushes every element of a span into input '" + input.Name + "'.</summary>");
                w.Open("public void Push" + name + "(global::System.ReadOnlySpan<" + type + "> elements)");
                w.Line("ThrowIfFinished();");
                w.Line("__elementsIn_" + name + " += elements.Length;");
                w.Line("var timestamp = global::Compiled.Instant.MinValue;");
                WriteTick(w);
                w.Open("for (var i = 0; i < elements.Length; i++)");
                w.Line("On" + name + "(elements[i], timestamp);");
                w.Close();
                WriteEndBundle(w);
                w.Close();
                w.Line();
                w.Line("/// <summary>Pushes one bundle of elements, each with its event timestamp, into input '" + input.Name + "' (triggers are evaluated after the bundle, as in Beam; TestStream uses this).</summary>");
                w.Open("public void Push" + name + "(global::System.ReadOnlySpan<global::Compiled.TimestampedValue<" + type + ">> bundle)");
                w.Line("ThrowIfFinished();");
                w.Line("__elementsIn_" + name + " += bundle.Length;");
                WriteTick(w);
                w.Open("for (var i = 0; i < bundle.Length; i++)");
                w.Line("On" + name + "(bundle[i].Value, bundle[i].Timestamp);");
                w.Close();
                WriteEndBundle(w);
                w.Close();
                w.Line();
                WritePullingPush(
                    w,
                    name,
                    "/// <summary>Pushes every element of a sequence into input '" + input.Name + "'.</summary>",
                    null,
                    "public void Push" + name + "(global::System.Collections.Generic.IEnumerable<" + type + "> elements)",
                    "elements",
                    "foreach (var element in elements)");
                WritePullingPush(
                    w,
                    name,
                    "/// <summary>Pushes every element of an async sequence into input '" + input.Name + "', as it arrives (the source is pulled, so a slow pipeline slows the source: memory stays bounded).</summary>",
                    "/// <remarks>Do not push into this runner from elsewhere until the returned task completes.</remarks>",
                    "public async global::System.Threading.Tasks.ValueTask Push" + name + "Async(global::System.Collections.Generic.IAsyncEnumerable<" + type + "> elements, global::System.Threading.CancellationToken cancellationToken = default)",
                    "elements",
                    "await foreach (var element in global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.WithCancellation(elements, cancellationToken).ConfigureAwait(false))");
                WritePullingPush(
                    w,
                    name,
                    "/// <summary>Pushes the elements of a channel into input '" + input.Name + "' until the channel completes (a bounded channel gives the writer backpressure).</summary>",
                    "/// <remarks>Do not push into this runner from elsewhere until the returned task completes.</remarks>",
                    "public async global::System.Threading.Tasks.ValueTask Push" + name + "Async(global::System.Threading.Channels.ChannelReader<" + type + "> reader, global::System.Threading.CancellationToken cancellationToken = default)",
                    "reader",
                    "while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))",
                    "while (reader.TryRead(out var element))");

                if (input.Kind == TransformKind.ReadLinesInput)
                {
                    w.Line("/// <summary>Reads every line of <paramref name=\"input\"/> asynchronously into input '" + input.Name + "' (files through System.IO.Pipelines, bounded memory).</summary>");
                    w.Open("public async global::System.Threading.Tasks.ValueTask Read" + name + "Async(global::Compiled.TextInput input, global::System.Threading.CancellationToken cancellationToken = default)");
                    w.Line("global::System.ArgumentNullException.ThrowIfNull(input);");
                    w.Line("ThrowIfFinished();");
                    w.Line("await input.ReadLinesAsync(new __" + name + "LineConsumer(this), cancellationToken).ConfigureAwait(false);");
                    w.Close();
                    w.Line();

                    w.Line("/// <summary>Reads every line of <paramref name=\"input\"/> (a file is read through System.IO.Pipelines with bounded memory) into input '" + input.Name + "'.</summary>");
                    w.Open("public void Read" + name + "(global::Compiled.TextInput input)");
                    w.Line("global::System.ArgumentNullException.ThrowIfNull(input);");
                    w.Line("ThrowIfFinished();");
                    w.Line("var consumer = new __" + name + "LineConsumer(this);");
                    w.Line("input.ReadLines(ref consumer);");
                    w.Close();
                    w.Line();
                    _runnerExtras.Add(x =>
                    {
                        x.Line("/// <summary>Feeds the lines of a text input into the fused loop of input '" + input.Name + "'.</summary>");
                        x.Open("private readonly struct __" + name + "LineConsumer : global::Compiled.ILineConsumer");
                        x.Line("private readonly " + _runnerType + " _runner;");
                        x.Line();
                        x.Line("public __" + name + "LineConsumer(" + _runnerType + " runner) => _runner = runner;");
                        x.Line();
                        x.Open("public void OnLine(global::System.ReadOnlySpan<char> line)");
                        x.Line("_runner.__elementsIn_" + name + "++;");
                        x.Line("_runner.On" + name + "(new string(line), global::Compiled.Instant.MinValue);");
                        if (AnyPanes)
                        {
                            x.Line("_runner.__EndBundle();");
                        }
                        x.Close();
                        x.Close();
                        x.Line();
                    });
                }

                w.Line("// Stage: the fused loop body of input '" + input.Name + "'.");
                w.Line(Inline);
                w.Open("private void On" + name + "(" + type + " element, global::Compiled.Instant timestamp)");
                w.Line("var window = global::Compiled.BoundedWindow.Global;");
                EmitConsumers(w, input.Id, 0, "element", "timestamp", "window");
                w.Close();
                w.Line();
            }
        }
    }
}
