using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Deals;

/// <summary>
/// Customers, deal registrations, touches, review decisions, the append-only audit log, program
/// investment and the registration number counter. The audit log refuses updates and deletes
/// here and, through triggers created by the migrations, in the database itself.
/// </summary>
public class DealsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_deals";
    public const string NumberSequence = "deal_registration_number";
    public const string RegistrationCounter = "registration";
    public const long FirstNumber = 1001;

    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<DealRegistration> Registrations => Set<DealRegistration>();
    public DbSet<PartnerTouch> Touches => Set<PartnerTouch>();
    public DbSet<ReviewDecision> Decisions => Set<ReviewDecision>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<ProgramInvestment> Investments => Set<ProgramInvestment>();
    public DbSet<DealCounter> Counters => Set<DealCounter>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Customer>(customer =>
        {
            customer.ToTable("deal_customers");
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.NormalizedName).HasMaxLength(200);
            customer.Property(c => c.BlockingKey).HasMaxLength(8);
            customer.Property(c => c.Domain).HasMaxLength(200);
            customer.HasIndex(c => c.NormalizedName).IsUnique();
            customer.HasIndex(c => c.BlockingKey);
            customer.HasIndex(c => c.Domain);
        });
        model.Entity<DealRegistration>(registration =>
        {
            registration.ToTable("deal_registrations");
            registration.HasIndex(r => r.Number).IsUnique();
            registration.Property(r => r.OrganisationId).HasMaxLength(64);
            registration.Property(r => r.SubmittedBy).HasMaxLength(64);
            registration.Property(r => r.CustomerName).HasMaxLength(200);
            registration.Property(r => r.Opportunity).HasMaxLength(200);
            registration.Property(r => r.Amount).HasPrecision(18, 2);
            registration.Property(r => r.ClosedAmount).HasPrecision(18, 2);
            registration.Property(r => r.Currency).HasMaxLength(3);
            registration.Property(r => r.Role).HasConversion<string>().HasMaxLength(16);
            // Two reviewers deciding at once: the second save fails instead of overwriting the first.
            registration.Property(r => r.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            registration.Property(r => r.SubmissionKey).HasMaxLength(100);
            registration.Property(r => r.ConflictRule).HasMaxLength(16);
            registration.Property(r => r.ConflictReason).HasMaxLength(1000);
            registration.Property(r => r.ConflictsWith).HasMaxLength(400);
            registration.Ignore(r => r.DisplayNumber);
            registration.Ignore(r => r.Outcome);
            // Idempotency: one registration per submission of an organisation, whatever the timing.
            registration.HasIndex(r => new { r.OrganisationId, r.SubmissionKey }).IsUnique();
            registration.HasIndex(r => new { r.CustomerId, r.Status });
            registration.HasIndex(r => new { r.OrganisationId, r.Status });
            registration.HasIndex(r => r.Status);
            registration.HasOne(r => r.Customer).WithMany().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Restrict);
            registration.HasOne<Customer>().WithMany().HasForeignKey(r => r.PossibleMatchCustomerId).OnDelete(DeleteBehavior.Restrict);
            registration.HasMany(r => r.Touches).WithOne().HasForeignKey(t => t.RegistrationId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<PartnerTouch>(touch =>
        {
            touch.ToTable("deal_touches");
            touch.Property(t => t.PartnerId).HasMaxLength(64);
            touch.Property(t => t.Role).HasConversion<string>().HasMaxLength(16);
            touch.Property(t => t.Source).HasConversion<string>().HasMaxLength(16);
            touch.Property(t => t.RecordedBy).HasMaxLength(100);
            touch.HasIndex(t => t.PartnerId);
        });
        model.Entity<ReviewDecision>(decision =>
        {
            decision.ToTable("deal_decisions");
            decision.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
            decision.Property(d => d.Rule).HasMaxLength(32);
            decision.Property(d => d.Reason).HasMaxLength(2000);
            decision.Property(d => d.DecidedBy).HasMaxLength(100);
            decision.HasIndex(d => d.RegistrationId);
            decision.HasOne<DealRegistration>().WithMany().HasForeignKey(d => d.RegistrationId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<AuditEntry>(audit =>
        {
            audit.ToTable("deal_audit");
            audit.Property(a => a.Actor).HasMaxLength(100);
            audit.Property(a => a.ActorRole).HasMaxLength(32);
            audit.Property(a => a.Action).HasMaxLength(32);
            audit.Property(a => a.FromStatus).HasConversion<string>().HasMaxLength(16);
            audit.Property(a => a.ToStatus).HasConversion<string>().HasMaxLength(16);
            audit.Property(a => a.Rule).HasMaxLength(32);
            audit.Property(a => a.Reason).HasMaxLength(2000);
            audit.HasIndex(a => a.RegistrationNumber);
            audit.HasIndex(a => a.AtMs);
        });
        model.Entity<ProgramInvestment>(investment =>
        {
            investment.ToTable("deal_program_investments");
            investment.Property(i => i.PartnerId).HasMaxLength(64);
            investment.Property(i => i.Mdf).HasPrecision(18, 2);
            investment.Property(i => i.Rebates).HasPrecision(18, 2);
            investment.Property(i => i.Enablement).HasPrecision(18, 2);
            investment.Property(i => i.UpdatedBy).HasMaxLength(100);
            investment.Ignore(i => i.Total);
            investment.HasIndex(i => new { i.PartnerId, i.PeriodStart, i.PeriodEnd }).IsUnique();
        });
        model.Entity<DealCounter>(counter =>
        {
            counter.ToTable("deal_counters");
            counter.HasKey(c => c.Name);
            counter.Property(c => c.Name).HasMaxLength(32);
            counter.HasData(new DealCounter { Name = RegistrationCounter, NextValue = FirstNumber });
        });

        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAuditLog();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardAuditLog();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void GuardAuditLog()
    {
        if (ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The deal audit log is append-only: entries cannot be changed or removed.");
        }
    }

    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}

public sealed class SqliteDealsDbContext(DbContextOptions<SqliteDealsDbContext> options) : DealsDbContext(options);

public sealed class PostgresDealsDbContext(DbContextOptions<PostgresDealsDbContext> options) : DealsDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        // PostgreSQL hands out numbers without holding a lock until commit; SQLite uses the counter row.
        model.HasSequence<long>(NumberSequence).StartsAt(FirstNumber);
    }
}

internal sealed class SqliteDealsDesignFactory() : DesignTimeFactory<SqliteDealsDbContext>(DatabaseProvider.Sqlite, DealsDbContext.HistoryTable);

internal sealed class PostgresDealsDesignFactory() : DesignTimeFactory<PostgresDealsDbContext>(DatabaseProvider.Postgres, DealsDbContext.HistoryTable);
