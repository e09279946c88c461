using BotFramework.Connector;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerAssistant.Conversation;

/// <summary>
/// The service URLs the bot may send its token to: those authenticated activities carried in this
/// process, and those of stored conversation references, which are written only by turns of
/// authenticated activities. So a proactive message after a restart, or from another replica over the
/// same database, still reaches Teams, and an address no channel vouched for never gets the token.
/// </summary>
public sealed class ReferencedServiceUrlTrust(IServiceScopeFactory scopes) : IServiceUrlTrust
{
    private readonly InMemoryServiceUrlTrust _known = new();

    public ValueTask TrustAsync(string serviceUrl, CancellationToken cancellationToken) => _known.TrustAsync(serviceUrl, cancellationToken);

    public async ValueTask<bool> IsTrustedAsync(Uri target, CancellationToken cancellationToken)
    {
        if (_known.IsKnown(target))
        {
            return true;
        }

        // A miss is rare (a first proactive message after a start, or a refusal): read the few distinct addresses.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var stored = await db.References.AsNoTracking().Select(r => r.ServiceUrl).Distinct().ToListAsync(cancellationToken);
        foreach (var serviceUrl in stored)
        {
            await _known.TrustAsync(serviceUrl, cancellationToken);
        }

        return _known.IsKnown(target);
    }
}
