using Microsoft.EntityFrameworkCore;

namespace PartnerAssistant.Deals;

/// <summary>Finds a customer by name or domain, creates it on first registration, and finds the
/// different customers it might be confused with (flagged, never merged).</summary>
internal static class CustomerResolver
{
    /// <summary>The customer a name (or domain) means, and the one it might be confused with. A customer seen for the
    /// first time is returned unsaved (<see cref="Customer.Id"/> 0) and is saved with the registration that brings it.
    /// A known customer without a domain takes the given one only when <paramref name="registrant"/> is null (a vendor
    /// import) or no other organisation's registration names it: a partner never edits a customer others share.</summary>
    public static async Task<(Customer Customer, Customer? PossibleMatch)> ResolveAsync(
        DealsDbContext db, string name, string? domain, string? registrant, double threshold, long nowMs, CancellationToken cancellationToken)
    {
        // The same normalised name always has the same blocking key, so one indexed read of the key's
        // customers finds the customer itself and the ones it might be confused with.
        var normalized = CustomerNames.Normalize(name);
        var key = CustomerNames.BlockingKey(normalized);
        var bucket = await Bucket(db, key).ToListAsync(cancellationToken);
        var customer = bucket.FirstOrDefault(c => c.NormalizedName == normalized);
        if (customer is null && domain is not null)
        {
            customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Domain == domain, cancellationToken);
        }

        if (customer is null)
        {
            customer = new Customer
            {
                Name = CustomerNames.DisplayName(name),
                NormalizedName = normalized,
                BlockingKey = key,
                Domain = domain,
                CreatedAtMs = nowMs,
            };
        }
        else if (customer.Domain is null && domain is not null)
        {
            var id = customer.Id;
            var shared = registrant is not null
                && await db.Registrations.AnyAsync(r => r.CustomerId == id && r.OrganisationId != registrant, cancellationToken);
            if (!shared)
            {
                await db.Customers.Where(c => c.Id == id && c.Domain == null).ExecuteUpdateAsync(set => set.SetProperty(c => c.Domain, domain), cancellationToken);
                customer.Domain = domain;
            }
        }

        return (customer, BestMatch(customer, bucket.Where(c => c != customer && c.Id != customer.Id && c.BlockingKey == customer.BlockingKey), threshold));
    }

    /// <summary>The customers sharing a blocking key, with only the columns matching needs (no tracking).</summary>
    private static IQueryable<Customer> Bucket(DealsDbContext db, string key) =>
        db.Customers.AsNoTracking().Where(c => c.BlockingKey == key).Select(c => new Customer
        {
            Id = c.Id,
            Name = c.Name,
            NormalizedName = c.NormalizedName,
            BlockingKey = c.BlockingKey,
            Domain = c.Domain,
        });

    private static Customer? BestMatch(Customer customer, IEnumerable<Customer> candidates, double threshold) =>
        candidates
            .Select(c => (Customer: c, Score: CustomerNames.Similarity(customer.NormalizedName, c.NormalizedName)))
            .Where(x => x.Score >= threshold)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Customer)
            .FirstOrDefault();

    /// <summary>The customers a text names (same normalised name or domain) and those it might mean.</summary>
    public static async Task<(IReadOnlyList<Customer> Exact, IReadOnlyList<Customer> Possible)> FindAsync(
        DealsDbContext db, string text, double threshold, CancellationToken cancellationToken)
    {
        var normalized = CustomerNames.Normalize(text);
        if (normalized.Length == 0)
        {
            return ([], []);
        }

        var domain = CustomerNames.DomainOf(text);
        var key = CustomerNames.BlockingKey(normalized);
        var candidates = await Bucket(db, key).ToListAsync(cancellationToken);
        if (domain is not null && !candidates.Any(c => c.Domain == domain))
        {
            candidates.AddRange(await db.Customers.AsNoTracking().Where(c => c.Domain == domain).ToListAsync(cancellationToken));
        }
        var exact = candidates.Where(c => c.NormalizedName == normalized || (domain is not null && c.Domain == domain)).ToList();
        var possible = candidates
            .Where(c => !exact.Contains(c))
            .Select(c => (Customer: c, Score: CustomerNames.Similarity(normalized, c.NormalizedName)))
            .Where(x => x.Score >= threshold)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Customer)
            .ToList();
        return (exact, possible);
    }
}
