using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.EventTime;
using Compiled.Coders;
using MemoryPack;
using Generated = Compiled.Benchmarks.Coders.CoderBenchPipeline.PipelineCoders;

namespace Compiled.Benchmarks.Coders;

/// <summary>W2's state entry: a word (the key) and its count (the accumulator).</summary>
[MemoryPackable]
public readonly partial record struct WordCountEntry(string Word, long Count);

/// <summary>W3's state entry: a key, its 60 s window and the count in it.</summary>
[MemoryPackable]
public readonly partial record struct WindowCountEntry(int Key, long WindowStart, long WindowEnd, long Count);

/// <summary>System.Text.Json's source-generated serialization of the same entries (no reflection).</summary>
[JsonSerializable(typeof(WordCountEntry[]))]
[JsonSerializable(typeof(WindowCountEntry[]))]
public sealed partial class CoderBenchJsonContext : JsonSerializerContext
{
}

/// <summary>A pipeline that shuffles the entries, so that the generator writes their coders (PipelineCoders).</summary>
[Pipeline]
public partial class CoderBenchPipeline
{
    static void Define(PipelineBuilder p)
    {
        p.Create<KV<string, WordCountEntry>>("words").GroupByKey().Output("words");
        p.Create<KV<int, WindowCountEntry>>("windows").GroupByKey().Output("windows");
    }
}

/// <summary>
/// Coder speed on the state the W2 and W3 runners keep per key (the keys and accumulators a checkpoint would write):
/// Compiled's coders (generated for the entry records, and built in for the runner's own shapes, KV and tuples with a
/// window) against MemoryPack and System.Text.Json's source generator. Each encodes the whole state to one reused buffer,
/// or decodes it back.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CoderBenchmarks
{
    private WordCountEntry[] _words = Array.Empty<WordCountEntry>();
    private WindowCountEntry[] _windows = Array.Empty<WindowCountEntry>();
    private KV<string, long>[] _wordPairs = Array.Empty<KV<string, long>>();
    private (int Key, BoundedWindow Window, long Count)[] _windowTuples = Array.Empty<(int, BoundedWindow, long)>();
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private byte[] _wordsCompiled = Array.Empty<byte>();
    private byte[] _windowsCompiled = Array.Empty<byte>();
    private byte[] _wordPairsCompiled = Array.Empty<byte>();
    private byte[] _windowTuplesCompiled = Array.Empty<byte>();
    private byte[] _wordsMemoryPack = Array.Empty<byte>();
    private byte[] _windowsMemoryPack = Array.Empty<byte>();
    private byte[] _wordsJson = Array.Empty<byte>();
    private byte[] _windowsJson = Array.Empty<byte>();
    private Utf8JsonWriter _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        // W2: the word counts of the suite's lines (Zipf words from a 50,000-word vocabulary), the first 20,000 lines.
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in W2.CreateLines().Take(20_000))
        {
            foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        _words = counts.Select(kv => new WordCountEntry(kv.Key, kv.Value)).ToArray();
        _wordPairs = counts.Select(kv => KV.Of(kv.Key, kv.Value)).ToArray();

        // W3: counts per key and 60 s window of the suite's events (10,000 Zipf keys), 200,000 events.
        var perWindow = new Dictionary<(int, long), long>();
        foreach (var e in EventData.Uniform(200_000))
        {
            var start = e.Time - (e.Time % W3FixedCounts.Size);
            perWindow[(e.Key, start)] = perWindow.GetValueOrDefault((e.Key, start)) + 1;
        }

        _windows = perWindow.Select(kv => new WindowCountEntry(kv.Key.Item1, kv.Key.Item2, kv.Key.Item2 + W3FixedCounts.Size, kv.Value)).ToArray();
        _windowTuples = perWindow.Select(kv => (kv.Key.Item1, BoundedWindow.Interval(new Instant(kv.Key.Item2), new Instant(kv.Key.Item2 + W3FixedCounts.Size)), kv.Value)).ToArray();

        _wordsCompiled = Coder.ToArray<WordCountEntry[], ArrayCoder<WordCountEntry, Generated.WordCountEntryCoder>>(_words);
        _windowsCompiled = Coder.ToArray<WindowCountEntry[], ArrayCoder<WindowCountEntry, Generated.WindowCountEntryCoder>>(_windows);
        _wordPairsCompiled = Coder.ToArray<KV<string, long>[], WordPairsCoder>(_wordPairs);
        _windowTuplesCompiled = Coder.ToArray<(int, BoundedWindow, long)[], WindowTuplesCoder>(_windowTuples);
        _wordsMemoryPack = MemoryPackSerializer.Serialize(_words);
        _windowsMemoryPack = MemoryPackSerializer.Serialize(_windows);
        _wordsJson = JsonSerializer.SerializeToUtf8Bytes(_words, CoderBenchJsonContext.Default.WordCountEntryArray);
        _windowsJson = JsonSerializer.SerializeToUtf8Bytes(_windows, CoderBenchJsonContext.Default.WindowCountEntryArray);
        _json = new Utf8JsonWriter(_buffer);
        Console.WriteLine($"// W2: {_words.Length} entries; bytes: Compiled {_wordsCompiled.Length}, MemoryPack {_wordsMemoryPack.Length}, JSON {_wordsJson.Length}");
        Console.WriteLine($"// W3: {_windows.Length} entries; bytes: Compiled {_windowsCompiled.Length} (as (key, window, count): {_windowTuplesCompiled.Length}), MemoryPack {_windowsMemoryPack.Length}, JSON {_windowsJson.Length}");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("W2", "Encode")]
    public long W2_Encode_Compiled()
    {
        _buffer.ResetWrittenCount();
        return Coder.Encode<WordCountEntry[], ArrayCoder<WordCountEntry, Generated.WordCountEntryCoder>>(_words, _buffer);
    }

    [Benchmark, BenchmarkCategory("W2", "Encode")]
    public long W2_Encode_CompiledKV()
    {
        _buffer.ResetWrittenCount();
        return Coder.Encode<KV<string, long>[], WordPairsCoder>(_wordPairs, _buffer);
    }

    [Benchmark, BenchmarkCategory("W2", "Encode")]
    public long W2_Encode_MemoryPack()
    {
        _buffer.ResetWrittenCount();
        MemoryPackSerializer.Serialize(_buffer, _words);
        return _buffer.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("W2", "Encode")]
    public long W2_Encode_SystemTextJson()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        JsonSerializer.Serialize(_json, _words, CoderBenchJsonContext.Default.WordCountEntryArray);
        _json.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("W2", "Decode")]
    public int W2_Decode_Compiled() => Coder.Decode<WordCountEntry[], ArrayCoder<WordCountEntry, Generated.WordCountEntryCoder>>(_wordsCompiled).Length;

    [Benchmark, BenchmarkCategory("W2", "Decode")]
    public int W2_Decode_CompiledKV() => Coder.Decode<KV<string, long>[], WordPairsCoder>(_wordPairsCompiled).Length;

    [Benchmark, BenchmarkCategory("W2", "Decode")]
    public int W2_Decode_MemoryPack() => MemoryPackSerializer.Deserialize<WordCountEntry[]>(_wordsMemoryPack)!.Length;

    [Benchmark, BenchmarkCategory("W2", "Decode")]
    public int W2_Decode_SystemTextJson() => JsonSerializer.Deserialize(_wordsJson, CoderBenchJsonContext.Default.WordCountEntryArray)!.Length;

    [Benchmark(Baseline = true), BenchmarkCategory("W3", "Encode")]
    public long W3_Encode_Compiled()
    {
        _buffer.ResetWrittenCount();
        return Coder.Encode<WindowCountEntry[], ArrayCoder<WindowCountEntry, Generated.WindowCountEntryCoder>>(_windows, _buffer);
    }

    [Benchmark, BenchmarkCategory("W3", "Encode")]
    public long W3_Encode_CompiledWindowTuple()
    {
        _buffer.ResetWrittenCount();
        return Coder.Encode<(int, BoundedWindow, long)[], WindowTuplesCoder>(_windowTuples, _buffer);
    }

    [Benchmark, BenchmarkCategory("W3", "Encode")]
    public long W3_Encode_MemoryPack()
    {
        _buffer.ResetWrittenCount();
        MemoryPackSerializer.Serialize(_buffer, _windows);
        return _buffer.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("W3", "Encode")]
    public long W3_Encode_SystemTextJson()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        JsonSerializer.Serialize(_json, _windows, CoderBenchJsonContext.Default.WindowCountEntryArray);
        _json.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("W3", "Decode")]
    public int W3_Decode_Compiled() => Coder.Decode<WindowCountEntry[], ArrayCoder<WindowCountEntry, Generated.WindowCountEntryCoder>>(_windowsCompiled).Length;

    [Benchmark, BenchmarkCategory("W3", "Decode")]
    public int W3_Decode_CompiledWindowTuple() => Coder.Decode<(int, BoundedWindow, long)[], WindowTuplesCoder>(_windowTuplesCompiled).Length;

    [Benchmark, BenchmarkCategory("W3", "Decode")]
    public int W3_Decode_MemoryPack() => MemoryPackSerializer.Deserialize<WindowCountEntry[]>(_windowsMemoryPack)!.Length;

    [Benchmark, BenchmarkCategory("W3", "Decode")]
    public int W3_Decode_SystemTextJson() => JsonSerializer.Deserialize(_windowsJson, CoderBenchJsonContext.Default.WindowCountEntryArray)!.Length;

    /// <summary>W2 as the runner keeps it: KV of the word and its count.</summary>
    private readonly struct WordPairsCoder : ICoder<KV<string, long>[]>
    {
        public uint FormatVersion => default(ArrayCoder<KV<string, long>, KVCoder<string, long, StringCoder, Int64Coder>>).FormatVersion;

        public void Encode(ref CoderWriter writer, KV<string, long>[] value) => default(ArrayCoder<KV<string, long>, KVCoder<string, long, StringCoder, Int64Coder>>).Encode(ref writer, value);

        public KV<string, long>[] Decode(ref CoderReader reader) => default(ArrayCoder<KV<string, long>, KVCoder<string, long, StringCoder, Int64Coder>>).Decode(ref reader)!;
    }

    /// <summary>W3 as the runner keeps it: the key, its window and the count.</summary>
    private readonly struct WindowTuplesCoder : ICoder<(int, BoundedWindow, long)[]>
    {
        public uint FormatVersion => default(ArrayCoder<(int, BoundedWindow, long), ValueTupleCoder<int, BoundedWindow, long, Int32Coder, BoundedWindowCoder, Int64Coder>>).FormatVersion;

        public void Encode(ref CoderWriter writer, (int, BoundedWindow, long)[] value) =>
            default(ArrayCoder<(int, BoundedWindow, long), ValueTupleCoder<int, BoundedWindow, long, Int32Coder, BoundedWindowCoder, Int64Coder>>).Encode(ref writer, value);

        public (int, BoundedWindow, long)[] Decode(ref CoderReader reader) =>
            default(ArrayCoder<(int, BoundedWindow, long), ValueTupleCoder<int, BoundedWindow, long, Int32Coder, BoundedWindowCoder, Int64Coder>>).Decode(ref reader)!;
    }
}
