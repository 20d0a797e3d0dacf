using System;
using System.IO;
using System.Threading;
using Compiled;
using Xunit;

namespace Compiled.Tests.Execution;

public class BatchProgressTests
{
    [Fact]
    public void FormatsBytesWithRateAndTimeLeft()
    {
        var line = BatchProgress.Format(25L * 1048576, 100L * 1048576, TimeSpan.FromSeconds(1), "bytes");
        Assert.Equal("25.0 / 100.0 MB  25%  25.0 MB/s  ETA 3.0 s", line);
    }

    [Fact]
    public void FormatsElementsWithoutATotal()
    {
        Assert.Equal("3,000,000 elements  1.5 M/s", BatchProgress.Format(3_000_000, 0, TimeSpan.FromSeconds(2), "elements"));
    }

    [Fact]
    public void LongRunsShowMinutes()
    {
        Assert.EndsWith("ETA 2 min 0 s", BatchProgress.Format(1, 121, TimeSpan.FromSeconds(1), "elements"), StringComparison.Ordinal);
    }

    [Fact]
    public void IsSilentWhenNotInteractive()
    {
        var writer = new StringWriter();
        using (var progress = BatchProgress.StartOn(writer, () => 5, 10, "elements", interactive: false, TimeSpan.FromMilliseconds(1)))
        {
            Thread.Sleep(30);
            Assert.False(progress.IsActive);
        }

        Assert.Equal(string.Empty, writer.ToString());
    }

    [Fact]
    public void RedrawsInPlaceOnATerminalAndEndsTheLine()
    {
        var writer = new StringWriter();
        long done = 0;
        using (BatchProgress.StartOn(writer, () => Interlocked.Read(ref done), 10, "elements", interactive: true, TimeSpan.FromMilliseconds(5)))
        {
            Interlocked.Exchange(ref done, 10);
            Thread.Sleep(50);
        }

        var text = writer.ToString();
        Assert.StartsWith("\r", text, StringComparison.Ordinal);
        Assert.Contains("10 / 10 elements  100%", text, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
    }
}
