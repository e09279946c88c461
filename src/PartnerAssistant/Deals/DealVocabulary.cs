using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Deals;

/// <summary>Customer names in the deal registry, for the router: a name is found in a message as written,
/// and a misspelt one is corrected towards it.</summary>
internal sealed class DealVocabulary(IServiceScopeFactory scopes) : IVocabularySource
{
    public async Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        foreach (var name in await db.Customers.AsNoTracking().Select(c => c.Name).Distinct().ToListAsync(cancellationToken))
        {
            vocabulary.AddCustomer(name);
        }
    }
}
