using BenchmarkDotNet.Running;

namespace Compiled.Benchmarks;

/// <summary>Runs the suites: <c>dotnet run -c Release --project bench/Compiled.Benchmarks -- --filter '*W1*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
