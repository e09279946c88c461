using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PartnerAssistant.People;

/// <summary>What a person may do with the assistant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Role>))]
public enum Role
{
    PartnerUser,
    PartnerAdmin,
    SalesRep,
    ChannelManager,
    EnablementEditor,
}

[JsonConverter(typeof(JsonStringEnumConverter<PartnerType>))]
public enum PartnerType
{
    Reseller,
    SystemsIntegrator,
    ManagedServiceProvider,
    SoftwareVendor,
    Influence,
    Marketplace,
    Distributor,
}

[JsonConverter(typeof(JsonStringEnumConverter<Tier>))]
public enum Tier
{
    Registered,
    Silver,
    Gold,
    Platinum,
}

/// <summary>A partner organisation, or the vendor itself (no partner type, no tier).</summary>
/// <remarks>The lengths are those of the directory table's columns (<see cref="InputLimits"/> checks them).</remarks>
public sealed class Organisation
{
    [MaxLength(64)]
    public required string Id { get; set; }

    [MaxLength(200)]
    public required string Name { get; set; }

    public bool IsVendor { get; set; }
    public PartnerType? PartnerType { get; set; }
    public Tier? Tier { get; set; }

    [MaxLength(16)]
    public string Region { get; set; } = "";

    [MaxLength(64)]
    public string Country { get; set; } = "";

    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>Someone who talks to the assistant, known by the id their channel gives them.</summary>
public sealed class Person
{
    [MaxLength(64)]
    public required string Id { get; set; }

    /// <summary>Teams' <c>aadObjectId</c> where the channel gives one, else the channel's <c>from.id</c>.</summary>
    [MaxLength(200)]
    public required string ChannelUserId { get; set; }

    [MaxLength(200)]
    public required string DisplayName { get; set; }

    [MaxLength(200)]
    public string Email { get; set; } = "";

    [MaxLength(64)]
    public required string OrganisationId { get; set; }
    public Role Role { get; set; }
    public bool Active { get; set; } = true;
}

public static class RoleExtensions
{
    public static bool IsInternal(this Role role) => role is Role.SalesRep or Role.ChannelManager or Role.EnablementEditor;

    public static bool IsPartner(this Role role) => !role.IsInternal();

    public static string Describe(this Role role) => role switch
    {
        Role.PartnerUser => "partner user",
        Role.PartnerAdmin => "partner administrator",
        Role.SalesRep => "sales representative",
        Role.ChannelManager => "channel manager",
        Role.EnablementEditor => "enablement editor",
        _ => role.ToString(),
    };

    /// <summary>The names intent files use for roles, e.g. <c>partner-user</c>.</summary>
    public static string Slug(this Role role) => role switch
    {
        Role.PartnerUser => "partner-user",
        Role.PartnerAdmin => "partner-admin",
        Role.SalesRep => "sales-rep",
        Role.ChannelManager => "channel-manager",
        Role.EnablementEditor => "enablement-editor",
        _ => role.ToString().ToLowerInvariant(),
    };

    public static string Describe(this PartnerType type) => type switch
    {
        PartnerType.Reseller => "value-added reseller",
        PartnerType.SystemsIntegrator => "systems integrator",
        PartnerType.ManagedServiceProvider => "managed service provider",
        PartnerType.SoftwareVendor => "independent software vendor",
        PartnerType.Influence => "influence partner",
        PartnerType.Marketplace => "marketplace partner",
        PartnerType.Distributor => "distributor",
        _ => type.ToString(),
    };
}

/// <summary>Who is speaking in this turn: the person, their organisation, and their role.</summary>
public sealed record Caller(Person Person, Organisation Organisation)
{
    public Role Role => Person.Role;
    public bool IsInternal => Person.Role.IsInternal();
    public string OrganisationId => Organisation.Id;
    public string FirstName => Person.DisplayName.Split(' ', 2)[0];
}
