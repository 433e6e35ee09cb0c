/**
 * Layer-5 protobuf messages ({@code GdpMessage} and its parts), generated at build time by protoc
 * from {@code src/main/proto/gdp.proto}, gdpstore's own proto2 schema written from the wire
 * specification (section 3.1). Field numbers and types match the reference's, with one deliberate
 * difference: {@code GdpMessage.cmd} is a {@code uint32} so unknown codes survive parsing.
 * Immutable messages; use {@link org.gdpstore.wire.GdpMessages} to parse (with required-field
 * checks) and encode them, and {@link org.gdpstore.wire.MsgCode} for the codes.
 */
package org.gdpstore.wire.proto;
