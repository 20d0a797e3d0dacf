using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Compiled.Generator.Tests.Fuzzing;

/// <summary>A mutated pipeline declaration: a whole source file, in a namespace of its own.</summary>
internal sealed record Mutant(int Index, Seed Seed, string Text, IReadOnlyList<string> Mutations, bool SameMeaning)
{
    /// <summary>The namespace suffix that marks this mutant's pipeline and its generated file.</summary>
    public string Marker => "Fuzz" + Index.ToString(CultureInfo.InvariantCulture);

    public string Path => "/fuzz/" + Marker + ".cs";
}

/// <summary>Applies one to three mutations, at places that do not overlap, to a seed class.</summary>
internal static class Mutator
{
    public static Mutant Create(int index, Seed seed, Random random)
    {
        var wanted = random.Next(10) switch
        {
            < 5 => 1,
            < 8 => 2,
            _ => 3,
        };
        var kinds = seed.Sites.Select(s => s.Kind).Distinct().ToList();
        var edits = new List<Edit>();
        for (var attempt = 0; attempt < 12 && edits.Count < wanted; attempt++)
        {
            var kind = Seed.Pick(random, kinds);
            var site = Seed.Pick(random, seed.Sites.Where(s => s.Kind == kind).ToList());
            if (edits.Any(e => e.Span.OverlapsWith(site.Span) || e.Span.Start == site.Span.Start))
            {
                continue;
            }

            edits.Add(site.Make(random));
        }

        var text = seed.ClassText;
        foreach (var edit in edits.OrderByDescending(e => e.Span.Start))
        {
            text = text.Substring(0, edit.Span.Start) + edit.Text + text.Substring(edit.Span.End);
        }

        var header = string.Format(CultureInfo.InvariantCulture, seed.Header, index);
        var descriptions = edits.Select(e => e.Description).ToList();
        if (random.Next(20) == 0)
        {
            // A namespace that ends with a keyword or with the name of a namespace the usings import.
            var suffix = Seed.Pick(random, Pools.NamespaceSuffixes);
            var marker = "Fuzz" + index.ToString(CultureInfo.InvariantCulture);
            header = header.Replace(marker + ";", marker + "." + suffix + ";", StringComparison.Ordinal);
            descriptions.Add("namespace ." + suffix);
        }

        return new Mutant(index, seed, header + text, descriptions, edits.Count > 0 && descriptions.Count == edits.Count && edits.All(e => e.SameMeaning));
    }
}
