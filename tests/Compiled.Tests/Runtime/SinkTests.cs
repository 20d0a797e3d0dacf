using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Xunit;

namespace Compiled.Tests.Runtime;

public class SinkTests
{
    private static WindowedValue<T> Windowed<T>(T value, long millis = 0) =>
        new(value, new Instant(millis), BoundedWindow.Global, PaneInfo.NoFiring);

    // Calls a sink the way a generated runner does: generic over the sink type, by reference.
    private static void Push<TSink, T>(ref TSink sink, params T[] values)
        where TSink : ISink<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            sink.Receive(Windowed(values[i], i));
        }
    }

    [Fact]
    public void ListSink_CollectsValuesAndWindowedValues()
    {
        var sink = new ListSink<string>();
        Push(ref sink, "a", "b", "c");
        Assert.Equal(new[] { "a", "b", "c" }, sink.Items);
        Assert.Equal(3, sink.Elements.Count);
        Assert.Equal(new Instant(2), sink.Elements[2].Timestamp);
        Assert.Equal("c", sink.Elements[2].Value);
        sink.Clear();
        Assert.Empty(sink.Items);
        Assert.Empty(sink.Elements);
    }

    [Fact]
    public void CallbackSink_CallsValueOrElementDelegate()
    {
        var values = new List<int>();
        var sink = new CallbackSink<int>((int v) => values.Add(v));
        Push(ref sink, 1, 2, 3);
        Assert.Equal(new[] { 1, 2, 3 }, values);

        var elements = new List<WindowedValue<int>>();
        var windowed = new CallbackSink<int>((WindowedValue<int> e) => elements.Add(e));
        Push(ref windowed, 7, 8);
        Assert.Equal(new[] { 7, 8 }, elements.ConvertAll(e => e.Value));
        Assert.Equal(new Instant(1), elements[1].Timestamp);

        Assert.Throws<ArgumentNullException>(() => new CallbackSink<int>((Action<int>)null!));
    }

    [Fact]
    public void NullSink_AndCountingSink()
    {
        var nothing = new NullSink<int>();
        Push(ref nothing, 1, 2, 3);

        var counting = new CountingSink<string>();
        Assert.Equal(0, counting.Count);
        Push(ref counting, "a", "b", "c", "d");
        Assert.Equal(4, counting.Count);
    }

    [Fact]
    public void TextFileSink_WritesOneLinePerElement_InvariantCulture()
    {
        string path = Path.Combine(Path.GetTempPath(), "compiled-sink-" + Guid.NewGuid().ToString("N") + ".txt");
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a comma decimal separator: the sink must not use it.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;

            var sink = new TextFileSink<double>(path);
            try
            {
                Push(ref sink, 1.5, -2.25, 1e21);
            }
            finally
            {
                sink.Dispose();
            }

            string text = File.ReadAllText(path, Encoding.UTF8);
            Assert.Equal("1.5\n-2.25\n1E+21\n", text);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]); // no BOM
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            File.Delete(path);
        }
    }

    [Fact]
    public void TextFileSink_FormatterNullsStringsAndKV()
    {
        using var memory = new MemoryStream();
        using (var sink = new TextFileSink<string?>(memory, leaveOpen: true))
        {
            sink.Receive(Windowed<string?>("héllo wörld ✓"));
            sink.Receive(Windowed<string?>(null));
            sink.Receive(Windowed<string?>(new string('x', 1000)));
        }

        Assert.Equal("héllo wörld ✓\n\n" + new string('x', 1000) + "\n", Encoding.UTF8.GetString(memory.ToArray()));

        using var memory2 = new MemoryStream();
        using (var sink = new TextFileSink<KV<string, long>>(memory2, kv => kv.Key + "\t" + kv.Value.ToString(CultureInfo.InvariantCulture), leaveOpen: true))
        {
            sink.Receive(Windowed(KV.Of("a", 3L)));
            sink.Receive(Windowed(KV.Of("b", 4L)));
            sink.Flush();
            Assert.Equal("a\t3\nb\t4\n", Encoding.UTF8.GetString(memory2.ToArray()));
        }

        using var memory3 = new MemoryStream();
        using (var sink = new TextFileSink<KV<string, int>>(memory3, leaveOpen: true))
        {
            sink.Receive(Windowed(KV.Of("k", 1)));
        }

        Assert.Equal("KV(k, 1)\n", Encoding.UTF8.GetString(memory3.ToArray()));
    }

    [Fact]
    public void TextFileSink_DisposeFlushesAndClosesStream_ReceiveAfterDisposeThrows()
    {
        var memory = new MemoryStream();
        var sink = new TextFileSink<int>(memory);
        sink.Receive(Windowed(42));
        sink.Dispose();
        sink.Dispose();
        Assert.Equal("42\n", Encoding.UTF8.GetString(memory.ToArray()));
        Assert.False(memory.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => sink.Receive(Windowed(1)));
    }
}
