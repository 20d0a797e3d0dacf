using System;
using Compiled;

namespace WordCount;

/// <summary>
/// Beam's WordCount: read lines, split them into words, count each distinct word. Words are slices of
/// the (lower-cased) line, so counting allocates a string per distinct word, not per word.
/// </summary>
[Pipeline]
public partial class WordCountPipeline
{
    static void Define(PipelineBuilder p)
    {
        var lines = p.ReadLines("lines");
        var words = lines.FlatMap<ReadOnlyMemory<char>>(Tokenizer.SplitWords);
        words.CountPerElement().Output("counts");
        words.Count().Output("wordTotal");
        lines.Count().Output("lineTotal");
    }
}

/// <summary>Splits text into words: runs of letters, with apostrophes kept inside a word ("don't").</summary>
public static class Tokenizer
{
    /// <summary>Emits the lower-cased words of <paramref name="line"/> as slices of one lower-cased copy of the line.</summary>
    public static void SplitWords<TEmit>(string line, TEmit output)
        where TEmit : IEmitter<ReadOnlyMemory<char>>
    {
        var text = line.ToLowerInvariant();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetter(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && (char.IsLetter(text[i]) || (text[i] == '\'' && i + 1 < text.Length && char.IsLetter(text[i + 1]) && i > start)))
            {
                i++;
            }

            if (i > start)
            {
                output.Emit(text.AsMemory(start, i - start));
            }
        }
    }
}
