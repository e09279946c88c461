using Microsoft.Extensions.Options;
using PartnerAssistant.People;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Deals;

/// <summary>
/// The deal registry as the deal model sees it: a registration's facts for scoring ("how likely is
/// DR-1042 to close?") and the closed registrations for retraining on the vendor's own outcomes.
/// Facts the registry does not hold (customer segment, competitor, certified SI, co-sell) stay
/// unknown, so the model treats them as missing rather than guessing.
/// </summary>
public sealed class RegistryDealFacts(DealRegistry registry, DealDirectory directory, IOptions<DealOptions> options)
    : IDealFactsSource, IClosedDealsSource
{
    /// <summary>Closed registrations read per retraining; far more than a program closes in the model's lifetime.</summary>
    public const int MaxClosedDeals = 100_000;

    public async Task<DealFacts?> FindAsync(Caller caller, string registrationNumberOrCustomer, CancellationToken cancellationToken)
    {
        if (!caller.Role.IsPartner() && !DealRegistry.SeesAllDeals(caller))
        {
            return null;
        }

        RegistrationView? registration = null;
        if (RegistrationNumber.Parse(registrationNumberOrCustomer) is { } number)
        {
            try
            {
                registration = await registry.FindAsync(caller, number, cancellationToken);
            }
            catch (DealNotFoundException)
            {
                // Not a number this caller can see: it may still be a customer called "1042 Labs".
            }
        }

        if (registration is null && !string.IsNullOrWhiteSpace(registrationNumberOrCustomer))
        {
            var open = await registry.ListAsync(caller, new RegistrationFilter { Customer = registrationNumberOrCustomer, OpenOnly = true, Limit = 1 }, cancellationToken);
            registration = open.FirstOrDefault();
        }

        return registration is null ? null : await ToFactsAsync(registration, cancellationToken);
    }

    public async Task<IReadOnlyList<ClosedDeal>> ListClosedDealsAsync(CancellationToken cancellationToken)
    {
        var closed = await registry.ListAsync(
            DealActors.Administrator("deal-model"),
            new RegistrationFilter { Statuses = [RegistrationStatus.Won, RegistrationStatus.Lost], Limit = MaxClosedDeals },
            cancellationToken);
        var deals = new List<ClosedDeal>(closed.Count);
        foreach (var registration in closed)
        {
            var facts = await ToFactsAsync(registration, cancellationToken);
            var closedOn = registration.ClosedOn ?? DateOnly.FromDateTime(registration.SubmittedAt.UtcDateTime);
            deals.Add(new ClosedDeal(facts, registration.Status == RegistrationStatus.Won, closedOn));
        }

        return deals;
    }

    private async Task<DealFacts> ToFactsAsync(RegistrationView registration, CancellationToken cancellationToken)
    {
        var organisation = await directory.FindOrganisationAsync(registration.PartnerId, cancellationToken);
        var touches = registration.Touches;
        return new DealFacts
        {
            RegistrationNumber = registration.NumberText,
            Customer = registration.Customer,
            PartnerType = organisation?.PartnerType,
            PartnerTier = organisation?.Tier,
            Route = RouteOf(registration.Role, organisation?.PartnerType),
            Region = organisation?.Region is { Length: > 0 } region && region != "Global" ? region : null,
            AmountUsd = ToUsd(registration.Amount, registration.Currency),
            Products = (NorthbeamProducts)(int)registration.Products,
            PartnersInvolved = Math.Max(1, touches.Select(t => t.PartnerId).Distinct(StringComparer.Ordinal).Count()),
            InfluencePartner = touches.Any(t => t.Role == PartnerRole.Influence),
            IsvComponent = touches.Any(t => t.Role == PartnerRole.IsvComponent),
            ChannelConflict = registration.ConflictsWith.Count > 0 || registration.Status == RegistrationStatus.UnderReview,
            RegisteredOn = DateOnly.FromDateTime(registration.SubmittedAt.UtcDateTime),
        };
    }

    /// <summary>How the registering partner sells the deal: its role on the registration, else what its type usually does.</summary>
    private static RouteToMarket? RouteOf(PartnerRole role, PartnerType? type) => role switch
    {
        PartnerRole.Marketplace => RouteToMarket.MarketplacePrivateOffer,
        PartnerRole.Integration => RouteToMarket.SiLed,
        PartnerRole.Reseller => RouteToMarket.Resale,
        _ => type switch
        {
            PartnerType.Reseller or PartnerType.Distributor => RouteToMarket.Resale,
            PartnerType.SystemsIntegrator or PartnerType.ManagedServiceProvider => RouteToMarket.SiLed,
            _ => RouteToMarket.CoSellWithDirect,
        },
    };

    private decimal? ToUsd(decimal amount, string currency)
    {
        var settings = options.Value;
        if (!settings.IsKnownCurrency(currency) || !settings.IsKnownCurrency("USD"))
        {
            return null;
        }

        // Rates are in reporting-currency units; through the reporting currency to US dollars.
        return decimal.Round(settings.ToReporting(amount, currency) / settings.ExchangeRates["USD"], 2);
    }
}
