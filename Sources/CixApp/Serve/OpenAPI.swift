import CixCore
import Foundation

/// The OpenAPI 3.1 description of the API (`/api/v1/openapi.json`), built from the routes' parameters.
enum OpenAPIDocument {
    /// Every registered series, then the detail, input and record routes.
    static var series: [(path: String, summary: String, id: String?, columns: [String])] {
        PublishedSeriesRegistry.all.map { ("/api/v1/" + $0.export.rawValue, $0.summary, $0.idName, $0.exportColumns) } + [
            ("/api/v1/weights", "Index constituents and weights (§6.4)", "index", ExportJob.weightColumns),
            ("/api/v1/settlements", "Exchange settlements (§7.3)", "contract", ExportJob.settlementColumns),
            ("/api/v1/restatements", "Changes to published values (§9.3)", nil, ExportJob.restatementColumns),
        ]
    }

    static func parameter(_ name: String, _ description: String, required: Bool = false, in place: String = "query", format: String? = nil,
                          pattern: String? = nil) -> [String: Any] {
        var schema: [String: Any] = ["type": "string", "minLength": 1]
        if let format { schema["format"] = format }
        if let pattern { schema["pattern"] = pattern }
        return ["name": name, "in": place, "required": required, "description": description, "schema": schema]
    }

    static func rows(_ columns: [String]) -> [String: Any] {
        ["type": "array", "items": ["type": "object", "properties": Dictionary(uniqueKeysWithValues: columns.map { ($0, [String: Any]()) })]]
    }

    static var errorSchema: [String: Any] { ["type": "object", "properties": ["error": ["type": "string"], "parameter": ["type": "string"],
                                                                             "reason": ["type": "string"]], "required": ["error", "reason"]] }

    static func responses(_ columns: [String]) -> [String: Any] {
        ["200": ["description": "JSON array with the export's column names, or the export's CSV (Accept: text/csv or a .csv suffix)",
                 "content": ["application/json": ["schema": rows(columns)], "text/csv": ["schema": ["type": "string"]]]],
         "400": ["description": "a malformed parameter, named", "content": ["application/json": ["schema": errorSchema]]],
         "401": ["description": "missing or wrong bearer token (with --token)"],
         "404": ["description": "an unknown series", "content": ["application/json": ["schema": errorSchema]]],
         "413": ["description": "a body over 1 MiB", "content": ["application/json": ["schema": errorSchema]]]]
    }

    static let json: String = {
        var paths: [String: Any] = [:]
        let range = [parameter("from", "first date, inclusive", format: "date"), parameter("to", "last date, inclusive", format: "date")]
        let vintage = parameter("vintage", "latest (default), first, or a UTC time YYYY-MM-DDTHH:MM:SSZ (METHODOLOGY.md §9.5)",
                                pattern: "^(latest|first|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)$")
        for s in series {
            var params = range + [parameter("series", "only this series")]
            if let id = s.id { params.append(parameter(id, "only this \(id)")) }
            if s.id != nil { params.append(vintage) }
            let get: [String: Any] = ["summary": s.summary, "parameters": params, "responses": responses(s.columns)]
            paths[s.path] = ["get": get]
            paths[s.path + ".csv"] = ["get": ["summary": s.summary + ", as CSV", "parameters": params, "responses": responses(s.columns)]]
        }
        let fundParams = [parameter("id", "fund id (funds.yaml)", required: true, in: "path")] + range + [vintage]
        paths["/api/v1/funds/{id}/nav"] = ["get": ["summary": "A fund's NAV days (§8)", "parameters": fundParams, "responses": responses(ExportJob.columns(.funds))]]
        paths["/api/v1/funds/{id}/nav.csv"] = ["get": ["summary": "A fund's NAV days, as CSV", "parameters": fundParams, "responses": responses(ExportJob.columns(.funds))]]
        let quoteParams = range + [parameter("grade", "only quotes in this grade"), parameter("source", "only this source"),
                                   parameter("page", "page number from 1 (default 1)", pattern: "^[0-9]+$"),
                                   parameter("page_size", "rows a page, 1 to 10000 (default 1000)", pattern: "^[0-9]+$")]
        for suffix in ["", ".csv"] {
            paths["/api/v1/quotes" + suffix] = ["get": ["summary": "Stored quotes with their normalized fields (the quotes export), at most 31 days a request (the last published day by default), paged: X-Total-Count gives the rows matched, Link rel=next the next page" + (suffix.isEmpty ? "" : ", as CSV"),
                                                       "parameters": quoteParams, "responses": responses(ExportJob.quoteColumns)]]
            paths["/api/v1/fund-compare" + suffix] = ["get": ["summary": "Designs side by side over from–to (the cix fund compare table, §8.4)" + (suffix.isEmpty ? "" : ", as CSV"),
                                                             "parameters": range + [parameter("funds", "comma-separated fund ids (default: every fund)")],
                                                             "responses": responses(FundJob.compareColumns)]]
        }
        for x in PublishedSeriesRegistry.all {
            paths["/api/v1/explain/\(x.explainName)"] = ["get": [
                "summary": "How one value came about: \(x.summary) (the JSON of cix explain \(x.explainName))",
                "parameters": [parameter(x.idName, "\(x.idName) id", required: true), parameter("date", "date", required: true, format: "date")],
                "responses": ["200": ["description": "the trace", "content": ["application/json": ["schema": ["type": "object"]]]],
                              "401": ["description": "missing or wrong bearer token (with --token)"],
                              "400": ["description": "a missing or malformed parameter", "content": ["application/json": ["schema": errorSchema]]],
                              "404": ["description": "an unknown \(x.idName), or nothing published on that date",
                                      "content": ["application/json": ["schema": errorSchema]]]],
            ]]
        }
        let enums: [String: [String]] = ["design": ["front", "deferred", "ladder"], "contracts": ["whole", "fractional"], "flows": ["base", "none"]]
        var whatIfProps = Dictionary(uniqueKeysWithValues: WhatIf.parameters.map { p -> (String, Any) in
            var schema: [String: Any] = ["description": p.help]
            if let e = enums[p.name] { schema["type"] = "string"; schema["enum"] = e } else { schema["type"] = ["string", "number"] }
            return (p.name, schema)
        })
        // funds.yaml's names (a fund entry posted whole).
        for (alias, name) in WhatIf.aliases { whatIfProps[alias] = ["type": ["string", "number"], "description": "funds.yaml's name of \(name)"] }
        whatIfProps["fee_pct"] = ["type": ["string", "number"], "description": "the expense ratio in percent a year (0.85)"]
        whatIfProps["roll_days"] = ["type": "array", "items": ["type": "integer"], "minItems": 2, "maxItems": 2,
                                    "description": "funds.yaml's [first, last] roll day (instead of roll_start and roll_end)"]
        whatIfProps["id"] = ["type": "string", "description": "funds.yaml's id: names the base fund when it is a shipped one"]
        whatIfProps["name"] = ["type": "string", "description": "funds.yaml's name (not used)"]
        whatIfProps["flows"] = ["type": "string", "description": "base, none, or a shipped fund's flows file (funds.yaml's flows); a funds.yaml entry (with an id) without flows has none"]
        for suffix in ["", ".csv"] {
            paths["/api/v1/whatif" + suffix] = ["post": [
                "summary": "A fund design's NAV computed on the fly, nothing stored (the designer's engine)" + (suffix.isEmpty ? "" : ", as CSV"),
                "requestBody": ["required": true, "content": ["application/json": ["schema": ["type": "object", "properties": whatIfProps,
                                                                                             "additionalProperties": false]]]],
                "responses": responses(ExportJob.columns(.funds)),
            ]]
        }
        paths["/api/v1/openapi.json"] = ["get": ["summary": "This document", "responses": ["200": ["description": "OpenAPI 3.1"],
                                                                                          "401": ["description": "missing or wrong bearer token (with --token)"]]]]
        let doc: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "ComputeIndex (cix serve)", "version": CixVersion.current,
                     "description": "Published fixings, indices, futures indices and fund NAVs of a cix store, read-only."],
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
            "security": [["bearer": [String]()], [String: Any]()],
            "paths": paths,
        ]
        let data = try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self) + "\n"
    }()
}
