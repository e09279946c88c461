using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.People;

public class DirectoryDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_directory";

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Person> People => Set<Person>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Organisation>(org =>
        {
            org.ToTable("organisations");
            org.HasKey(o => o.Id);
            org.Property(o => o.Id).HasMaxLength(64);
            org.Property(o => o.Name).HasMaxLength(200);
            org.Property(o => o.PartnerType).HasConversion<string>().HasMaxLength(32);
            org.Property(o => o.Tier).HasConversion<string>().HasMaxLength(16);
            org.Property(o => o.Region).HasMaxLength(16);
            org.Property(o => o.Country).HasMaxLength(64);
        });
        model.Entity<Person>(person =>
        {
            person.ToTable("people");
            person.HasKey(p => p.Id);
            person.Property(p => p.Id).HasMaxLength(64);
            person.Property(p => p.ChannelUserId).HasMaxLength(200);
            person.HasIndex(p => p.ChannelUserId).IsUnique();
            person.Property(p => p.DisplayName).HasMaxLength(200);
            person.Property(p => p.Email).HasMaxLength(200);
            person.Property(p => p.OrganisationId).HasMaxLength(64);
            person.Property(p => p.Role).HasConversion<string>().HasMaxLength(32);
            person.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

public sealed class SqliteDirectoryDbContext(DbContextOptions<SqliteDirectoryDbContext> options) : DirectoryDbContext(options);

public sealed class PostgresDirectoryDbContext(DbContextOptions<PostgresDirectoryDbContext> options) : DirectoryDbContext(options);

internal sealed class SqliteDirectoryDesignFactory() : DesignTimeFactory<SqliteDirectoryDbContext>(DatabaseProvider.Sqlite, DirectoryDbContext.HistoryTable);

internal sealed class PostgresDirectoryDesignFactory() : DesignTimeFactory<PostgresDirectoryDbContext>(DatabaseProvider.Postgres, DirectoryDbContext.HistoryTable);
