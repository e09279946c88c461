using System.ComponentModel.DataAnnotations;

namespace PartnerAssistant.Hosting;

/// <summary>Where the assistant keeps its files: the SQLite database, built models, caches.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>The data folder. Relative paths are resolved from the current directory.
    /// Default: <c>PartnerAssistant</c> under the user's local application data folder
    /// (<c>~/.local/share/PartnerAssistant</c> on Linux).</summary>
    [Required]
    public string Folder
    {
        get => _folder;
        // appsettings.json ships "Folder": "" to mean the default; binding would otherwise store the empty string.
        set => _folder = string.IsNullOrWhiteSpace(value) ? DefaultFolder : value;
    }

    private string _folder = DefaultFolder;

    public static string DefaultFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "PartnerAssistant");

    public string FullPath => Path.GetFullPath(Folder);

    /// <summary>A path inside the data folder, its parent folder created.</summary>
    public string PathTo(params string[] parts)
    {
        var path = Path.Combine([FullPath, .. parts]);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The relational store for directory, conversation state, deals and program data.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (default: a file in the data folder, no set-up) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string. Default: empty, which for SQLite means
    /// <c>{Data:Folder}/partner-assistant.db</c>. For PostgreSQL set it through an environment
    /// variable (<c>Database__ConnectionString</c>) or user-secrets: it carries a password.</summary>
    public string? ConnectionString { get; set; }
}
