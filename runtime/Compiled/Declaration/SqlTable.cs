namespace Compiled;

/// <summary>A collection named as a table of a SQL query: made by <see cref="PCollection{T}.AsTable(string)"/>, passed to <see cref="PipelineBuilder.Sql{TRow}(string, SqlTable[])"/>.</summary>
/// <remarks>Declaration only: the generator reads it; it is never created at run time.</remarks>
public sealed class SqlTable
{
    private SqlTable()
    {
    }
}
