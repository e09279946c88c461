using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace PartnerAssistant.Hosting;

/// <summary>
/// A query every turn runs, compiled once (<see cref="EF.CompileAsyncQuery{TContext, TParam1, TResult}(System.Linq.Expressions.Expression{Func{TContext, TParam1, CancellationToken, TResult}})"/>
/// and its siblings) so the turn does not translate its LINQ again. A compiled query serves one model only and a process
/// may hold several (SQLite and PostgreSQL hosts side by side in the tests), so there is one per model, dropped with it.
/// </summary>
/// <typeparam name="TQuery">The compiled query's delegate.</typeparam>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _queries = new();

    /// <summary>The query compiled for this context's model.</summary>
    public TQuery For(DbContext db) => _queries.GetValue(db.Model, _ => compile());
}
