using System.Globalization;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>A partner's registration as submitted on the form, before it is checked.</summary>
public sealed record RegistrationRequest
{
    public string Customer { get; init; } = "";

    /// <summary>The customer's web domain, when the partner gives one (contoso.com); it identifies the customer as well as its name.</summary>
    public string? CustomerDomain { get; init; }

    public string Opportunity { get; init; } = "";
    public Products Products { get; init; }
    public decimal? Amount { get; init; }
    public string Currency { get; init; } = "";
    public DateOnly? ExpectedClose { get; init; }
    public PartnerRole? Role { get; init; }
    public IReadOnlyList<InvolvedPartner> OtherPartners { get; init; } = [];

    /// <summary>The idempotency key from the card's submit data: the same key never creates a second registration.</summary>
    public string SubmissionKey { get; init; } = "";

    public RegistrationRequest Normalized() => this with
    {
        Customer = (Customer ?? "").Trim(),
        CustomerDomain = string.IsNullOrWhiteSpace(CustomerDomain) ? CustomerNames.DomainOf(Customer) : CustomerNames.DomainOf(CustomerDomain) ?? CustomerDomain.Trim().ToLowerInvariant(),
        Opportunity = (Opportunity ?? "").Trim(),
        Currency = (Currency ?? "").Trim().ToUpperInvariant(),
        OtherPartners = OtherPartners.DistinctBy(p => (p.PartnerId, p.Role)).ToList(),
        SubmissionKey = (SubmissionKey ?? "").Trim(),
    };

    public string Summary() =>
        $"{(Opportunity.Length > 0 ? Opportunity : Customer)} for {Customer}" +
        (Amount is { } amount ? $", {Money.Format(amount, Currency)}" : "");
}

/// <summary>Another partner the registering partner says is involved, and its role.</summary>
public sealed record InvolvedPartner(string PartnerId, PartnerRole Role);

/// <summary>Checks a registration request and says everything that is wrong with it, in the partner's terms.</summary>
public static class RegistrationValidator
{
    public static IReadOnlyList<string> Validate(RegistrationRequest request, Organisation registrant, IReadOnlyList<Organisation> organisations, DealOptions options, DateOnly today)
    {
        var problems = new List<string>();
        if (request.Customer.Length == 0 || CustomerNames.Normalize(request.Customer).Length == 0)
        {
            problems.Add("The customer is empty: tell me which customer the opportunity is with.");
        }
        else if (request.Customer.Length > 200)
        {
            problems.Add("The customer name is longer than 200 characters.");
        }

        if (CustomerNames.DomainProblem(request.CustomerDomain) is { } domainProblem)
        {
            problems.Add(domainProblem);
        }

        if (request.Opportunity.Length == 0)
        {
            problems.Add("Give the opportunity a short name, for example \"Contoso – Azure migration\".");
        }
        else if (request.Opportunity.Length > 200)
        {
            problems.Add("The opportunity name is longer than 200 characters.");
        }

        if (request.Products == Products.None)
        {
            problems.Add("Choose at least one Northbeam product: Data Fabric, AI Studio, Edge Runtime or Cloud Migration Services.");
        }

        var currencyKnown = options.IsKnownCurrency(request.Currency);
        if (request.Currency.Length == 0)
        {
            problems.Add("Choose the currency of the amount.");
        }
        else if (!currencyKnown)
        {
            problems.Add($"\"{request.Currency}\" is not a currency I accept. Use a three-letter code: {string.Join(", ", options.ExchangeRates.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (request.Amount is not { } amount)
        {
            problems.Add("Enter the expected amount of the deal.");
        }
        else if (amount <= 0)
        {
            problems.Add($"The amount must be more than zero (you entered {amount.ToString("N0", CultureInfo.InvariantCulture)}).");
        }
        else if (currencyKnown && options.ToReporting(amount, request.Currency) > options.MaxAmount)
        {
            problems.Add($"{Money.Format(amount, request.Currency)} is more than one registration can carry (at most {Money.Format(options.MaxAmount, options.ReportingCurrency)}); check the number of zeros.");
        }

        if (request.ExpectedClose is not { } close)
        {
            problems.Add("Enter the expected close date.");
        }
        else if (close < today)
        {
            problems.Add($"The expected close date {DealText.Date(close)} is in the past; a registration is for an opportunity that is still open.");
        }
        else if (close > today.AddMonths(options.MaxCloseMonthsAhead))
        {
            problems.Add($"The expected close date {DealText.Date(close)} is more than {options.MaxCloseMonthsAhead} months away; register the opportunity when it is closer.");
        }

        var allowed = DealCatalog.RolesFor(registrant.PartnerType);
        if (request.Role is not { } role)
        {
            problems.Add("Choose your role on the deal.");
        }
        else if (!allowed.Contains(role))
        {
            problems.Add($"{registrant.Name} is {Article(registrant.PartnerType?.Describe() ?? "partner")} {registrant.PartnerType?.Describe() ?? "partner"}, which cannot register in the {DealCatalog.Describe(role)} role. " +
                $"Choose one of: {string.Join(", ", allowed.Select(DealCatalog.Describe))}.");
        }

        foreach (var other in request.OtherPartners)
        {
            var organisation = organisations.FirstOrDefault(o => o.Id == other.PartnerId);
            if (organisation is null || organisation.IsVendor)
            {
                problems.Add($"I don't know a partner \"{other.PartnerId}\"; choose other partners from the list.");
            }
            else if (organisation.Id == registrant.Id)
            {
                problems.Add("List only other partners under \"other partners\"; your own organisation is on the registration already.");
            }
            else if (!DealCatalog.RolesFor(organisation.PartnerType).Contains(other.Role))
            {
                problems.Add($"{organisation.Name} is {Article(organisation.PartnerType?.Describe() ?? "partner")} {organisation.PartnerType?.Describe()}, which cannot take the {DealCatalog.Describe(other.Role)} role; " +
                    $"it can be {string.Join(", ", DealCatalog.RolesFor(organisation.PartnerType).Select(DealCatalog.Describe))}.");
            }
        }

        return problems;
    }

    private static string Article(string noun) => noun.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an" : "a";
}

public static class Money
{
    public static string Format(decimal amount, string currency) =>
        $"{amount.ToString(amount == Math.Round(amount) ? "N0" : "N2", CultureInfo.InvariantCulture)} {currency}".Trim();
}

/// <summary>Dates and instants as the assistant writes them, independent of the server's culture.</summary>
public static class DealText
{
    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Date(long unixMs) => Date(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime));

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ToDate(long unixMs) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime);
}
