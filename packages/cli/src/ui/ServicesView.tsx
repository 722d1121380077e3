import { Box, Text } from 'ink';
import type { ServiceInfo } from '../services/service-catalogue.js';
import { serviceColumns } from './columns.js';
import { Table } from './Table.js';

/** Props of {@link ServicesView}. */
export interface ServicesViewProps {
  services: ServiceInfo[];
  /** The config file the "loaded" column comes from; undefined means the defaults. */
  configPath: string | undefined;
}

/** `tokobapak services` on a terminal. */
export function ServicesView({ services, configPath }: ServicesViewProps) {
  const loaded = services.filter((s) => s.loaded).map((s) => s.name);
  return (
    <Box flexDirection="column" gap={1}>
      <Table columns={serviceColumns} rows={services} />
      <Text>
        <Text dimColor>Loaded by {configPath ?? 'the defaults'}: </Text>
        <Text color="green">{loaded.join(', ') || 'none'}</Text>
      </Text>
    </Box>
  );
}
