/**
 * Moving a group's committed offsets through core-client's `resetConsumerGroupOffsets` (what `samsa groups
 * reset-offsets` runs): each partition's new offset planned (earliest, latest, an offset, a time) and clamped into
 * its log, committed unless it is a dry run; refused while the group has members, in a dry run too, as Kafka refuses.
 */
import { ActiveGroupError, ConfigurationError } from '@samsa/core-client';
import type { OffsetResetRequest, OffsetResetResult } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';

export async function resetGroupOffsets(
  ctx: OperationsContext,
  groupId: string,
  request: OffsetResetRequest,
  outer?: AbortSignal,
): Promise<OffsetResetResult> {
  let result: OffsetResetResult;
  try {
    result = await ctx.admin.resetConsumerGroupOffsets({
      groupId,
      ...(request.topics ? { topics: request.topics } : {}),
      strategy: request.strategy,
      dryRun: request.dryRun,
      signal: ctx.signal(outer),
    });
  } catch (error) {
    if (error instanceof ActiveGroupError) {
      throw new ApiError(409, 'GROUP_ACTIVE', error.message, { state: error.state, members: error.members });
    }
    if (error instanceof ConfigurationError && error.option === 'topics[].partitions') {
      throw new ApiError(400, 'PARTITION_NOT_FOUND', error.message);
    }
    throw error;
  }
  // Nothing named and nothing committed: nothing was planned (nor committed).
  if (!request.topics && result.partitions.length === 0) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `Group ${groupId} has no committed offsets; name the topics to reset`,
    );
  }
  return result;
}
