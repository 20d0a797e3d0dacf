using System;
using Compiled;

namespace Compiled.Tests.Text;

/// <summary>A running count per key.</summary>
public struct RunningCount
{
    public ValueState<long> Count;
}

/// <summary>A stateful ParDo keyed by words sliced from UTF-8 lines: a word's state is found by its bytes.</summary>
[Pipeline]
public partial class Utf8KeyedState
{
    static void Define(PipelineBuilder p) =>
        p.ReadUtf8Lines("lines")
         .Utf8Words()
         .Map(static w => KV.Of(w, 1))
         .ParDo(
             static (ReadOnlyMemory<byte> key, int value, ref RunningCount state, ProcessContext context, IEmitter<KV<string, long>> output) =>
             {
                 var count = state.Count.ReadOrDefault(0) + value;
                 state.Count.Write(count);
                 output.Emit(KV.Of(System.Text.Encoding.UTF8.GetString(key.Span), count));
             })
         .Output("running");
}

/// <summary>The same over words sliced from text lines: a word's state is found by its characters.</summary>
[Pipeline]
public partial class CharKeyedState
{
    static void Define(PipelineBuilder p) =>
        p.ReadLines("lines")
         .FlatMap<KV<ReadOnlyMemory<char>, int>>(static (line, output) =>
         {
             var start = 0;
             while (start < line.Length)
             {
                 var end = line.IndexOf(' ', start);
                 end = end < 0 ? line.Length : end;
                 if (end > start)
                 {
                     output.Emit(KV.Of(line.AsMemory(start, end - start), 1));
                 }

                 start = end + 1;
             }
         })
         .ParDo(
             static (ReadOnlyMemory<char> key, int value, ref RunningCount state, ProcessContext context, IEmitter<KV<string, long>> output) =>
             {
                 var count = state.Count.ReadOrDefault(0) + value;
                 state.Count.Write(count);
                 output.Emit(KV.Of(key.ToString(), count));
             })
         .Output("running");
}
