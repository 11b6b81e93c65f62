import { KafkaClientError } from '../errors.js';

/** The group still has members: stop its consumers before moving its offsets. */
export class ActiveGroupError extends KafkaClientError {
  readonly groupId: string;
  readonly state: string;
  /** How many members the group has. */
  readonly members: number;
  constructor(groupId: string, state: string, members: number) {
    super(
      'ACTIVE_GROUP',
      `Offsets of group ${groupId} can only be reset while it is inactive, but it is ${state} with ` +
        `${members} member${members === 1 ? '' : 's'}; stop its consumers first`,
      false,
    );
    this.groupId = groupId;
    this.state = state;
    this.members = members;
  }
}
