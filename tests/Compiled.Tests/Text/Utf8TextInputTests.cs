using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Text;

/// <summary>ReadUtf8Lines gives the lines ReadLines gives, as bytes that stay valid, from every kind of input.</summary>
public class Utf8TextInputTests
{
    private struct Chars : ILineConsumer
    {
        public List<string> Lines;

        public void OnLine(ReadOnlySpan<char> line) => (Lines ??= new List<string>()).Add(new string(line));
    }

    private struct Bytes : IUtf8LineConsumer
    {
        public List<ReadOnlyMemory<byte>> Lines;

        public void OnLine(ReadOnlyMemory<byte> line) => (Lines ??= new List<ReadOnlyMemory<byte>>()).Add(line);
    }

    private static List<string> ReadChars(TextInput input)
    {
        var consumer = new Chars { Lines = new List<string>() };
        input.ReadLines(ref consumer);
        return consumer.Lines;
    }

    // The lines' bytes, decoded only after the whole read: bytes that were overwritten would show.
    private static List<string> ReadBytes(TextInput input)
    {
        var consumer = new Bytes { Lines = new List<ReadOnlyMemory<byte>>() };
        input.ReadUtf8Lines(ref consumer);
        return consumer.Lines.Select(l => Encoding.UTF8.GetString(l.Span)).ToList();
    }

    private static readonly Gen<string> Texts = Gen.Select(
        Gen.String[Gen.OneOf(Gen.Char['a', 'd'], Gen.Const('é'), Gen.Const('東'), Gen.Const(' ')), 0, 30].Array[0, 20],
        Gen.OneOf(Gen.Const("\n"), Gen.Const("\r\n"), Gen.Const("\r")),
        Gen.Bool,
        (lines, delimiter, last) => string.Join(delimiter, lines) + (last ? delimiter : string.Empty));

    [Fact]
    public void EveryKindOfInputGivesTheLinesReadLinesGives() => Gen.Select(Texts, Gen.Int[1, 17], Gen.Bool).Sample((text, bufferSize, bom) =>
    {
        var expected = ReadChars(TextInput.FromString(text));
        var utf8 = Encoding.UTF8.GetBytes(text);
        var withBom = bom ? Encoding.UTF8.GetPreamble().Concat(utf8).ToArray() : utf8;
        Assert.Equal(expected, ReadBytes(TextInput.FromString(text)));
        Assert.Equal(expected, ReadBytes(TextInput.FromUtf8(withBom)));
        Assert.Equal(expected, ReadChars(TextInput.FromUtf8(withBom)));
        Assert.Equal(expected, ReadBytes(TextInput.FromLines(expected)));
        Assert.Equal(expected, ReadBytes(TextInput.FromStream(new MemoryStream(withBom), bufferSize: bufferSize)));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, withBom);
            Assert.Equal(expected, ReadBytes(TextInput.FromFile(file, bufferSize: bufferSize)));
            Assert.Equal(expected, ReadChars(TextInput.FromFile(file, bufferSize: bufferSize)));
            foreach (var part in new[] { 2, 3 })
            {
                Assert.Equal(expected, TextInput.FromFile(file, bufferSize: bufferSize).Split(part).SelectMany(ReadBytes).ToList());
            }
        }
        finally
        {
            File.Delete(file);
        }
    }, iter: 200);

    [Fact]
    public void InMemoryUtf8SplitsIntoPartsThatGiveEveryLineOnce() => Gen.Select(Texts, Gen.Int[1, 6]).Sample((text, parts) =>
    {
        var input = TextInput.FromUtf8(Encoding.UTF8.GetBytes(text));
        var expected = ReadChars(TextInput.FromString(text));
        Assert.True(input.CanSplit);
        var split = input.Split(parts);
        Assert.True(split.Count <= parts);
        Assert.Equal(expected, split.SelectMany(ReadBytes).ToList());
        Assert.Equal(expected, split.SelectMany(ReadChars).ToList());
    });

    [Fact]
    public void InMemoryLinesAreSlicesOfTheGivenBytes()
    {
        var utf8 = "un\ndeux\r\ntrois"u8.ToArray();
        var consumer = new Bytes { Lines = new List<ReadOnlyMemory<byte>>() };
        TextInput.FromUtf8(utf8).ReadUtf8Lines(ref consumer);
        Assert.Equal(3, consumer.Lines.Count);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(consumer.Lines[1], out var segment));
        Assert.Same(utf8, segment.Array);
        Assert.Equal(3, segment.Offset);
    }

    [Fact]
    public async Task AsyncReadsGiveTheSameLines()
    {
        var text = string.Join("\r\n", Enumerable.Range(0, 2_000).Select(i => "ligne " + i + " 東京 é"));
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, text);
            var expected = ReadChars(TextInput.FromString(text));
            var read = await TextInput.FromFile(file, bufferSize: 100).ReadUtf8LinesAsync(new Bytes { Lines = new List<ReadOnlyMemory<byte>>() });
            Assert.Equal(expected, read.Lines.Select(l => Encoding.UTF8.GetString(l.Span)));
            var chars = await TextInput.FromFile(file, bufferSize: 100).ReadLinesAsync(new Chars { Lines = new List<string>() });
            Assert.Equal(expected, chars.Lines);
            var fromStream = await TextInput.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text))).ReadUtf8LinesAsync(new Bytes { Lines = new List<ReadOnlyMemory<byte>>() });
            Assert.Equal(expected, fromStream.Lines.Select(l => Encoding.UTF8.GetString(l.Span)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ALineTooLongIsNamedByItsNumber()
    {
        var utf8 = Encoding.UTF8.GetBytes("short\nalso short\n" + new string('x', 40) + "\nlast");
        var consumer = new Bytes { Lines = new List<ReadOnlyMemory<byte>>() };
        var error = Assert.Throws<LineTooLongException>(() => TextInput.FromUtf8(utf8, maxLineLength: 20).ReadUtf8Lines(ref consumer));
        Assert.Equal(3, error.LineNumber);
        Assert.Equal(2, consumer.Lines.Count);
    }
}
