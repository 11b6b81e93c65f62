/** Config resource types (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs); not the ACL resource types. */
export const ConfigResourceType = { topic: 2, broker: 4, brokerLogger: 8, group: 32 } as const;
