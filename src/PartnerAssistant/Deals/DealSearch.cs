using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// Deal registrations for the Teams compose box: a partner finds its own organisation's registrations
/// (the registry filters), the channel team and sales reps find any, by number or customer. With no
/// query, the caller's most recent open registrations.
/// </summary>
public sealed class DealSearch(DealRegistry registry) : IMessageExtensionSearch
{
    public string Name => "deals";

    public async Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken)
    {
        if (!caller.Role.IsPartner() && !DealRegistry.SeesAllDeals(caller))
        {
            return [];
        }

        var internalView = DealRegistry.SeesAllDeals(caller);
        var limit = skip + count;
        IReadOnlyList<RegistrationView> found;
        double relevance;
        if (string.IsNullOrWhiteSpace(query))
        {
            found = await registry.ListAsync(caller, new RegistrationFilter { OpenOnly = true, Limit = limit }, cancellationToken);
            relevance = 0.5;
        }
        else if (RegistrationNumber.Parse(query) is { } number)
        {
            try
            {
                found = [await registry.FindAsync(caller, number, cancellationToken)];
            }
            catch (DealNotFoundException)
            {
                found = [];
            }

            // A registration number is what the user meant exactly.
            relevance = 1;
        }
        else
        {
            found = await registry.ListAsync(caller, new RegistrationFilter { Customer = query, Limit = limit }, cancellationToken);
            relevance = 0.9;
        }

        return found.Skip(skip).Take(count)
            .Select(r => new SearchResultItem(
                $"{r.NumberText} · {r.Customer}",
                $"{r.Opportunity} — {r.StatusText}, {Money.Format(r.Amount, r.Currency)}",
                DealCards.Registration(r, internalView),
                relevance))
            .ToList();
    }
}
