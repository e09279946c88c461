using Microsoft.EntityFrameworkCore;

namespace PartnerAssistant.Deals;

/// <summary>Finds a customer by name or domain, creates it on first registration, and finds the
/// different customers it might be confused with (flagged, never merged).</summary>
internal static class CustomerResolver
{
    public static async Task<(Customer Customer, Customer? PossibleMatch)> ResolveAsync(
        DealsDbContext db, string name, string? domain, double threshold, long nowMs, CancellationToken cancellationToken)
    {
        var normalized = CustomerNames.Normalize(name);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.NormalizedName == normalized, cancellationToken);
        if (customer is null && domain is not null)
        {
            customer = await db.Customers.FirstOrDefaultAsync(c => c.Domain == domain, cancellationToken);
        }

        if (customer is null)
        {
            customer = new Customer
            {
                Name = CustomerNames.DisplayName(name),
                NormalizedName = normalized,
                BlockingKey = CustomerNames.BlockingKey(normalized),
                Domain = domain,
                CreatedAtMs = nowMs,
            };
            db.Customers.Add(customer);
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (customer.Domain is null && domain is not null)
        {
            customer.Domain = domain;
        }

        return (customer, await FindPossibleMatchAsync(db, customer, threshold, cancellationToken));
    }

    public static async Task<Customer?> FindPossibleMatchAsync(DealsDbContext db, Customer customer, double threshold, CancellationToken cancellationToken)
    {
        var candidates = await db.Customers.AsNoTracking()
            .Where(c => c.BlockingKey == customer.BlockingKey && c.Id != customer.Id)
            .ToListAsync(cancellationToken);
        return candidates
            .Select(c => (Customer: c, Score: CustomerNames.Similarity(customer.NormalizedName, c.NormalizedName)))
            .Where(x => x.Score >= threshold)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Customer)
            .FirstOrDefault();
    }

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
        var candidates = await db.Customers.AsNoTracking()
            .Where(c => c.BlockingKey == key || c.NormalizedName == normalized || (domain != null && c.Domain == domain))
            .ToListAsync(cancellationToken);
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
