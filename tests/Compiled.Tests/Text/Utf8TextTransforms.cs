using System;
using Compiled;

namespace Compiled.Tests.Text;

/// <summary>Composites over UTF-8 lines, shared by the tests' pipelines.</summary>
public static class Utf8TextTransforms
{
    /// <summary>The words of UTF-8 lines: the slices between spaces (no copy, no decoding).</summary>
    public static PCollection<ReadOnlyMemory<byte>> Utf8Words(this PCollection<ReadOnlyMemory<byte>> lines) =>
        lines.FlatMap<ReadOnlyMemory<byte>>(static (line, output) =>
        {
            var span = line.Span;
            var start = 0;
            while (start < span.Length)
            {
                var next = span.Slice(start).IndexOf((byte)' ');
                var end = next < 0 ? span.Length : start + next;
                if (end > start)
                {
                    output.Emit(line.Slice(start, end - start));
                }

                start = end + 1;
            }
        });
}
