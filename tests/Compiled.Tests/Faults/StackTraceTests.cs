using System;
using System.IO;
using Compiled;
using Xunit;

namespace Compiled.Tests.Faults;

/// <summary>A Map whose lambda throws on a negative number, declared in this file.</summary>
[Pipeline]
public partial class ThrowingMap
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x >= 0 ? x * 2 : throw new ArgumentOutOfRangeException(nameof(x), x, "negative"))
         .Output("doubled");
}

/// <summary>A user's exception comes wrapped once, and its stack trace lands on the user's file and line.</summary>
public class StackTraceTests
{
    [Fact]
    public void TheUsersFrameIsTheLineOfTheLambda()
    {
        var error = Assert.Throws<PipelineExecutionException>(() => ThrowingMap.Run(new[] { 1, 2, -3 }));
        Assert.Equal(2, error.ElementIndex);
        Assert.StartsWith("Map (line 14)", error.Transform, StringComparison.Ordinal);
        var inner = Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);

        // The lambda's body is emitted under #line: the frame names this file and the lambda's line.
        var trace = new System.Diagnostics.StackTrace(inner, fNeedFileInfo: true);
        var frame = trace.GetFrame(0)!;
        Assert.Equal("StackTraceTests.cs", Path.GetFileName(frame.GetFileName()));
        Assert.Equal(14, frame.GetFileLineNumber());
    }
}
