using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

// Writes English-like prose made for this repository: a fixed vocabulary of common English words plus
// invented words built from syllables, drawn with Zipf-distributed frequencies, in sentences and
// paragraphs wrapped at 72 columns. Deterministic: the same seed gives the same bytes.
//
//   dotnet run --project tools/ProseCorpus -- samples/data/prose.txt [megabytes]
var path = args.Length > 0 ? args[0] : "samples/data/prose.txt";
var megabytes = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3.5;
var random = new Random(20261123);

string[] common =
{
    "the", "of", "and", "to", "a", "in", "that", "it", "was", "he", "for", "on", "are", "as", "with", "his",
    "they", "at", "be", "this", "from", "have", "or", "by", "one", "had", "not", "but", "what", "all", "were",
    "when", "we", "there", "can", "an", "your", "which", "their", "said", "if", "do", "will", "each", "about",
    "how", "up", "out", "them", "then", "she", "many", "some", "so", "these", "would", "other", "into", "has",
    "more", "her", "two", "like", "him", "see", "time", "could", "no", "make", "than", "first", "been", "its",
    "who", "now", "people", "my", "made", "over", "did", "down", "only", "way", "find", "use", "may", "water",
    "long", "little", "very", "after", "words", "called", "just", "where", "most", "know", "get", "through",
    "back", "much", "before", "go", "good", "new", "write", "our", "used", "me", "man", "too", "any", "day",
    "same", "right", "look", "think", "also", "around", "another", "came", "come", "work", "three", "word",
    "must", "because", "does", "part", "even", "place", "well", "such", "here", "take", "why", "things",
    "help", "put", "years", "different", "away", "again", "off", "went", "old", "number", "great", "tell",
    "men", "say", "small", "every", "found", "still", "between", "name", "should", "home", "big", "give",
    "air", "line", "set", "own", "under", "read", "last", "never", "us", "left", "end", "along", "while",
    "might", "next", "sound", "below", "saw", "something", "thought", "both", "few", "those", "always",
    "looked", "show", "large", "often", "together", "asked", "house", "don't", "world", "going", "want",
    "school", "important", "until", "form", "food", "keep", "children", "feet", "land", "side", "without",
    "boy", "once", "animals", "life", "enough", "took", "sometimes", "four", "head", "above", "kind",
    "began", "almost", "live", "page", "got", "earth", "need", "far", "hand", "high", "year", "mother",
    "light", "parts", "country", "father", "let", "night", "following", "picture", "being", "study",
    "second", "eyes", "soon", "times", "story", "boys", "since", "white", "days", "ever", "paper", "hard",
    "near", "sentence", "better", "best", "across", "during", "today", "others", "however", "sure", "means",
    "knew", "it's", "try", "told", "young", "miles", "sun", "ways", "thing", "whole", "hear", "example",
    "heard", "several", "change", "answer", "room", "sea", "against", "top", "turned", "learn", "point",
    "city", "play", "toward", "five", "using", "himself", "usually", "river", "morning", "road", "winter",
    "harbour", "lantern", "orchard", "meadow", "window", "letter", "garden", "bridge", "village", "market",
};

string[] onsets = { "b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sh", "sl", "st", "t", "th", "tr", "v", "w", "wh", "y", "z" };
string[] vowels = { "a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "ie", "oa" };
string[] codas = { "", "", "", "n", "r", "l", "s", "t", "nd", "st", "ck", "ng", "rm", "ld", "sh", "th" };

var invented = new HashSet<string>(StringComparer.Ordinal);
var commonSet = new HashSet<string>(common, StringComparer.Ordinal);
while (invented.Count < 6000)
{
    var syllables = 1 + random.Next(3);
    var builder = new StringBuilder();
    for (var i = 0; i < syllables; i++)
    {
        builder.Append(onsets[random.Next(onsets.Length)]).Append(vowels[random.Next(vowels.Length)]).Append(codas[random.Next(codas.Length)]);
    }

    var word = builder.ToString();
    if (!commonSet.Contains(word))
    {
        invented.Add(word);
    }
}

// Rank order: common words first (they are the frequent ones in English), then invented words.
var vocabulary = common.Concat(invented.OrderBy(w => w.Length).ThenBy(w => w, StringComparer.Ordinal)).ToArray();
var cumulative = new double[vocabulary.Length];
var total = 0.0;
for (var i = 0; i < vocabulary.Length; i++)
{
    total += 1.0 / Math.Pow(i + 1, 1.05);
    cumulative[i] = total;
}

string NextWord()
{
    var x = random.NextDouble() * total;
    var index = Array.BinarySearch(cumulative, x);
    return vocabulary[index < 0 ? Math.Min(~index, vocabulary.Length - 1) : index];
}

var target = (long)(megabytes * 1024 * 1024);
var output = new StringBuilder();
var written = 0L;
using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
while (written < target)
{
    var sentences = 3 + random.Next(5);
    var paragraph = new StringBuilder();
    for (var s = 0; s < sentences; s++)
    {
        var words = 6 + random.Next(15);
        for (var w = 0; w < words; w++)
        {
            var word = NextWord();
            if (w == 0)
            {
                word = char.ToUpperInvariant(word[0]) + word[1..];
            }
            else if (random.Next(60) == 0)
            {
                word = word.ToUpperInvariant();
            }

            paragraph.Append(word);
            if (w == words - 1)
            {
                paragraph.Append(random.Next(10) switch { 0 => "?", 1 => "!", 2 => ";", _ => "." });
            }
            else if (random.Next(9) == 0)
            {
                paragraph.Append(',');
            }

            paragraph.Append(' ');
        }
    }

    // Wrap at 72 columns.
    var line = new StringBuilder();
    foreach (var token in paragraph.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
    {
        if (line.Length + token.Length + 1 > 72)
        {
            writer.WriteLine(line.ToString());
            written += line.Length + 1;
            line.Clear();
        }

        if (line.Length > 0)
        {
            line.Append(' ');
        }

        line.Append(token);
    }

    if (line.Length > 0)
    {
        writer.WriteLine(line.ToString());
        written += line.Length + 1;
    }

    writer.WriteLine();
    written++;
}

Console.WriteLine($"wrote {path}: {written:N0} bytes, vocabulary {vocabulary.Length:N0} words");
